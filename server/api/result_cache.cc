#include "server/api/result_cache.h"

namespace kb::api {

void ResultCache::ClearIfStale(std::uint64_t epoch) {
  if (epoch == epoch_) return;
  order_.clear();
  index_.clear();
  epoch_ = epoch;
}

ResultCache::Value ResultCache::Get(const std::string& key, std::uint64_t epoch) {
  if (capacity_ == 0) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  ClearIfStale(epoch);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->second;
}

void ResultCache::Put(const std::string& key, std::uint64_t epoch, Value value) {
  if (capacity_ == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  ClearIfStale(epoch);
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->second = std::move(value);
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  order_.emplace_front(key, std::move(value));
  index_[key] = order_.begin();
  if (order_.size() > capacity_) {
    index_.erase(order_.back().first);
    order_.pop_back();
  }
}

std::size_t ResultCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return order_.size();
}

}  // namespace kb::api
