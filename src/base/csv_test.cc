#include "base/csv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

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

// Spreadsheets start a CSV file with a UTF-8 byte-order mark; it is not part of the header.
TEST(Csv, SkipsAByteOrderMark) {
  auto t = CsvTable::Parse("\xEF\xBB\xBFname,gpus\nllm,64\n", "f.csv");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->header()[0], "name");
  EXPECT_TRUE(t->Column("name").ok());
  EXPECT_EQ(t->line(0), 2);
  // Only at the start: elsewhere the bytes are data.
  auto u = CsvTable::Parse("a\n\xEF\xBB\xBFx\n", "g.csv");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->at(0, 0), "\xEF\xBB\xBFx");
}

// Every row with the wrong number of fields is reported at once: the first 20, then a count.
TEST(Csv, ReportsEveryBadRowUpToALimit) {
  auto t = CsvTable::Parse("a,b\n1,2\n3\n4,5\n6,7,8\n", "f.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "f.csv:3: expected 2 fields (a,b), found 1\nf.csv:5: expected 2 fields (a,b), found 3");
  std::string text = "a,b\n";
  for (int i = 0; i < 25; ++i) text += "x\n";
  auto u = CsvTable::Parse(text, "g.csv");
  ASSERT_FALSE(u.ok());
  const std::string msg(u.status().message());
  EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 20) << msg;
  EXPECT_NE(msg.find("g.csv:21: expected 2 fields"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("g.csv:22:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("g.csv: and 5 more rows with the wrong number of fields"), std::string::npos)
      << msg;
}

}  // namespace
}  // namespace headroom
