#include "base/sha256.h"

#include <gtest/gtest.h>

namespace headroom {
namespace {

std::string Hex(std::string_view s) {
  Sha256 h;
  h.Update(s);
  return h.HexDigest();
}

// FIPS 180-4 examples and `sha256sum` of recorded inputs.
TEST(Sha256, KnownDigests) {
  EXPECT_EQ(Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecesEqualTheWhole) {
  Sha256 h;
  h.Update("abcdbcdecdefdefgefghfghighij");
  h.Update("hijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(h.HexDigest(), Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
}

}  // namespace
}  // namespace headroom
