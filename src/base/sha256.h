#pragma once
// SHA-256 (FIPS 180-4), for fingerprints of a run's inputs in its outputs. Not for secrets.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace headroom {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view bytes);
  // The digest as 64 lowercase hex digits. The object must not be updated afterwards.
  std::string HexDigest();

 private:
  void Block(const unsigned char* p);

  std::array<std::uint32_t, 8> h_;
  std::array<unsigned char, 64> buf_{};
  size_t buf_len_ = 0;
  std::uint64_t total_bytes_ = 0;
};

}  // namespace headroom
