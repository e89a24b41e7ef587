#include "base/csv.h"

#include <gtest/gtest.h>

namespace headroom {
namespace {

TEST(Csv, ParsesQuotedFieldsAndCrlf) {
  auto t = CsvTable::Parse("a,b\r\n1,\"x,y\"\r\n\r\n2,z\n", "f.csv");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows(), 2u);
  EXPECT_EQ(t->at(0, 1), "x,y");
  EXPECT_EQ(t->line(1), 4);
  EXPECT_DOUBLE_EQ(*t->Number(1, 0), 2);
}

TEST(Csv, ErrorsNameFileAndLine) {
  auto t = CsvTable::Parse("a,b\n1,2\n3\n", "f.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "f.csv:3: expected 2 fields (a,b), found 1");
  auto u = CsvTable::Parse("a\nx\n", "g.csv");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->Number(0, 0).status().message(),
            "g.csv:2: column \"a\": expected a number, got \"x\"");
  EXPECT_FALSE(u->Column("b").ok());
}

}  // namespace
}  // namespace headroom
