#include "server/learning/learner.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "indexer/text/analyzer.h"

namespace kb::learning {

namespace {

using analytics::Channel;
using analytics::Event;
using analytics::EventType;

// One search of a session.
struct Search {
  std::string query;
  std::string language;
  std::string client;
  std::int64_t time_ms = 0;
  bool agent = false;
};

// What a session tells of one of its searches and one article.
struct Evidence {
  double click = 0;     // the click's strength, ClickStrength
  double positive = 0;  // the strongest other positive signal
  double negative = 0;
  bool viewed = false;   // clicked or opened: an escalation after it counts against it
  bool glanced = false;  // viewed for less than kGlanceDwellMs: the click was a wrong guess

  double Score() const { return std::clamp(std::max(glanced ? 0 : click, positive) - negative, -1.0, 1.0); }
};

struct Session {
  std::vector<Search> searches;
  std::unordered_map<std::string, int> by_query_id;
  std::map<std::pair<int, std::string>, Evidence> pairs;  // (search, article id)
  std::unordered_map<std::string, int> last_search_of;    // article id -> the search it was clicked from
  int last_search = -1;

  int SearchOf(const std::string& query_id) const {
    if (!query_id.empty()) {
      auto it = by_query_id.find(query_id);
      if (it != by_query_id.end()) return it->second;
    }
    return last_search;
  }
  // The search an event about `article` belongs to: the one it was clicked
  // from, else the query id's, else the last.
  int SearchFor(const std::string& article, const std::string& query_id) const {
    if (!query_id.empty() && by_query_id.contains(query_id)) return by_query_id.at(query_id);
    auto it = last_search_of.find(article);
    return it != last_search_of.end() ? it->second : last_search;
  }
  Evidence* At(int search, const std::string& article) {
    if (search < 0) return nullptr;
    return &pairs[{search, article}];
  }
  // An escalation: what was viewed for `search` (every search when -1)
  // did not help.
  void Escalated(int search, const std::vector<std::string>& except = {}) {
    for (auto& [key, evidence] : pairs) {
      if ((search >= 0 && key.first != search) || !evidence.viewed) continue;
      if (std::find(except.begin(), except.end(), key.second) != except.end()) continue;
      evidence.negative = std::max(evidence.negative, kEscalation);
    }
  }
};

void Apply(const Event& e, Session& s) {
  auto raise = [](Evidence* ev, double strength) {
    if (ev != nullptr) ev->positive = std::max(ev->positive, strength);
  };
  switch (e.type) {
    case EventType::kSearch: {
      if (e.query.empty()) return;
      Search search;
      search.query = e.query;
      search.language = e.locale.empty() ? std::string() : text::LanguageOf(e.locale);
      search.client = e.client;
      search.time_ms = e.time_ms;
      search.agent = e.channel == Channel::kAgent;
      s.searches.push_back(std::move(search));
      s.last_search = static_cast<int>(s.searches.size()) - 1;
      if (!e.query_id.empty()) s.by_query_id[e.query_id] = s.last_search;
      return;
    }
    case EventType::kClick: {
      const int search = s.SearchOf(e.query_id);
      if (search < 0) return;
      Evidence* ev = s.At(search, e.article_id);
      ev->click = std::max(ev->click, ClickStrength(e.position));
      ev->viewed = true;
      s.last_search_of[e.article_id] = search;
      return;
    }
    case EventType::kView: {
      // A view counts for the search the article was clicked from.
      auto it = s.last_search_of.find(e.article_id);
      if (it == s.last_search_of.end()) return;
      Evidence* ev = s.At(it->second, e.article_id);
      ev->viewed = true;
      if (e.dwell_ms >= kSatisfiedDwellMs) raise(ev, kLongView);
      if (e.dwell_ms > 0 && e.dwell_ms < kGlanceDwellMs) ev->glanced = true;
      return;
    }
    case EventType::kVote: {
      Evidence* ev = s.At(s.SearchFor(e.article_id, ""), e.article_id);
      if (ev == nullptr) return;
      if (e.helpful.value_or(false)) {
        raise(ev, kHelpful);
      } else {
        ev->negative = std::max(ev->negative, kUnhelpful);
      }
      return;
    }
    case EventType::kResolve:
      raise(s.At(s.SearchFor(e.article_id, e.query_id), e.article_id), kResolve);
      return;
    case EventType::kEscalate:
      s.Escalated(e.query_id.empty() ? -1 : s.SearchOf(e.query_id));
      return;
    case EventType::kTicket:
      // A ticket is an escalation of the whole session; the articles the
      // agent linked to it answered the customer's searches.
      s.Escalated(-1, e.article_ids);
      for (const std::string& article : e.article_ids) {
        for (int i = 0; i < static_cast<int>(s.searches.size()); ++i) {
          if (!s.searches[i].agent) raise(s.At(i, article), kAgentLink);
        }
      }
      return;
    case EventType::kUse:
      raise(s.At(s.SearchFor(e.article_id, e.query_id), e.article_id), kAgentLink);
      return;
  }
}

// A phrasing as it is grouped: text, language, and whether agents typed it.
struct PhrasingKey {
  std::string text;
  std::string language;
  bool agent = false;
  auto operator<=>(const PhrasingKey&) const = default;
};

struct ClientEvidence {
  double score = -2;  // the best decayed score of the client's sessions
  int sessions = 0;   // its sessions with a positive score
};

bool HasDigit(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

double ClickStrength(int position) {
  // Examination probability 1/rank (eta = 1): a click at rank k is k times
  // the evidence of one at rank 1, clipped.
  return kClick * std::min<double>(std::max(position, 1), kMaxClickBoost);
}

bool MayBeLearned(std::string_view query) {
  if (query.empty()) return false;
  std::size_t at = 0;
  while (at < query.size()) {
    std::size_t end = query.find(' ', at);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view word = query.substr(at, end - at);
    at = end + 1;
    if (word.find_first_of("@./:") != std::string_view::npos) return false;
    const auto digits = std::count_if(word.begin(), word.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
    if (digits >= 4) return false;
    if (word.size() >= 12 && HasDigit(word)) return false;
  }
  return true;
}

Result<Learned> Learn(analytics::EventStore& events, std::int64_t now_ms, const LearningOptions& options,
                      const Rejections& rejected) {
  Learned out;
  std::unordered_map<std::string, Session> sessions;
  auto scanned = events.Scan(
      now_ms - options.horizon_ms, now_ms,
      [&](const Event& e) {
        ++out.events;
        Apply(e, sessions[e.session_id]);
      },
      analytics::EventStore::Fields::kCounting);
  if (!scanned) return Fail(scanned.error());
  out.sessions = sessions.size();

  // (phrasing, article) -> client -> its evidence; phrasing -> its searchers.
  std::map<std::pair<PhrasingKey, std::string>, std::unordered_map<std::string, ClientEvidence>> pairs;
  std::map<PhrasingKey, std::set<std::string>> searchers;
  const double decay_per_ms = std::log(2.0) / static_cast<double>(std::max<std::int64_t>(options.half_life_ms, 1));
  for (auto& [id, session] : sessions) {
    for (const Search& search : session.searches) {
      if (!search.client.empty()) searchers[{search.query, search.language, search.agent}].insert(search.client);
    }
    // The session's strongest pairs, at most max_pairs_per_session of them.
    std::vector<std::pair<double, const std::pair<const std::pair<int, std::string>, Evidence>*>> ranked;
    for (const auto& entry : session.pairs) {
      const double score = entry.second.Score();
      if (score != 0) ranked.emplace_back(std::abs(score), &entry);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (ranked.size() > options.max_pairs_per_session) ranked.resize(options.max_pairs_per_session);
    for (const auto& [strength, entry] : ranked) {
      const Search& search = session.searches[entry->first.first];
      if (search.client.empty()) continue;  // events from before clients were recorded
      const double age = static_cast<double>(std::max<std::int64_t>(now_ms - search.time_ms, 0));
      const double score = entry->second.Score() * std::exp(-decay_per_ms * age);
      ClientEvidence& c = pairs[{{search.query, search.language, search.agent}, entry->first.second}][search.client];
      c.score = std::max(c.score, score);
      if (score > 0) ++c.sessions;
    }
  }

  for (const auto& [key, clients] : pairs) {
    const auto& [phrasing, article] = key;
    Phrasing p{.text = phrasing.text, .language = phrasing.language, .agent = phrasing.agent};
    for (const auto& [client, c] : clients) {
      p.weight += c.score;
      if (c.score > 0) {
        ++p.clients;
        p.sessions += c.sessions;
      }
    }
    if (p.clients == 0) continue;
    ++out.candidates;
    p.searchers = static_cast<int>(searchers[phrasing].size());
    if (!MayBeLearned(p.text)) {
      ++out.private_text;
      continue;
    }
    if (rejected.contains({article, p.text})) {
      ++out.rejected;
      continue;
    }
    if (p.weight <= 0 || p.clients < options.min_clients ||
        static_cast<double>(p.clients) < options.min_share * static_cast<double>(p.searchers)) {
      ++out.too_few_clients;
      continue;
    }
    out.articles[article].push_back(std::move(p));
  }
  for (auto& [article, list] : out.articles) {
    std::stable_sort(list.begin(), list.end(), [](const Phrasing& a, const Phrasing& b) {
      return a.weight != b.weight ? a.weight > b.weight : a.text < b.text;
    });
    if (list.size() > options.max_phrasings_per_article) list.resize(options.max_phrasings_per_article);
  }
  return out;
}

std::vector<LearnedPhrasing> PhrasingsFor(const Learned& learned, const Article& article, int translations) {
  std::vector<LearnedPhrasing> out;
  auto it = learned.articles.find(article.id);
  if (it == learned.articles.end()) return out;
  const std::string language = text::LanguageOf(article.locale);
  for (const Phrasing& p : it->second) {
    if (p.language == language || (p.language.empty() && translations <= 1)) {
      out.push_back({.text = p.text, .weight = p.weight, .clients = p.clients, .agent = p.agent});
    }
  }
  return out;
}

Result<LearnRun> LearnIntoIndex(analytics::EventStore& events, const std::string& index_dir, std::int64_t now_ms,
                                const LearningOptions& options, const Rejections& rejected) {
  LearnRun run;
  auto stored = events.Rejections();
  if (!stored) return Fail(stored.error());
  Rejections all = rejected;
  all.insert(stored->begin(), stored->end());
  auto learned = Learn(events, now_ms, options, all);
  if (!learned) return Fail(learned.error());
  run.learned = std::move(*learned);
  auto updated = UpdateLearned(index_dir, [&](const Article& a, int translations) {
    return PhrasingsFor(run.learned, a, translations);
  });
  if (!updated) return Fail(updated.error());
  run.index = *updated;
  return run;
}

Result<Rejected> Reject(analytics::EventStore& events, const std::string& index_dir, const std::string& article_id,
                        const std::string& text, std::int64_t now_ms) {
  Rejected out;
  out.text = analytics::NormaliseQuery(text);
  if (article_id.empty()) return Fail(Error::InvalidArgument("'article_id' is empty"));
  if (out.text.empty()) return Fail(Error::InvalidArgument("'text' is empty"));
  if (auto r = events.Reject(article_id, out.text, now_ms); !r) return Fail(r.error());
  auto updated = UpdateLearned(index_dir, [&](const Article& a, int) {
    std::vector<LearnedPhrasing> kept = a.learned;
    if (a.id == article_id) std::erase_if(kept, [&](const LearnedPhrasing& p) { return p.text == out.text; });
    return kept;
  });
  if (!updated) return Fail(updated.error());
  out.index = *updated;
  return out;
}

}  // namespace kb::learning
