// The YAML document the loader reads: values, marks, nulls, aliases, merge keys (YAML 1.1 merge
// order), duplicate keys, nesting limits and the mappings built from CSV rows.

#include "config/yaml_document.h"

#include <gtest/gtest.h>

#include <string>

namespace headroom::config {
namespace {

YamlDocument Parse(const std::string& text) {
  auto doc = YamlDocument::Parse(text, "t.yaml");
  EXPECT_TRUE(doc.ok()) << doc.status().message();
  return std::move(*doc);
}

TEST(YamlDocument, ScalarsListsMappingsAndMarks) {
  const YamlDocument doc = Parse("a: 1\nb: [x, 'y', ~]\nc:\nd: {e: f}\n");
  const YamlNode root = doc.root();
  ASSERT_TRUE(root.IsMap());
  EXPECT_EQ(root.size(), 4u);
  EXPECT_EQ(root.Get("a").Scalar(), "1");
  const YamlNode b = root.Get("b");
  ASSERT_TRUE(b.IsSequence());
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[1].Scalar(), "y");
  EXPECT_TRUE(b[2].IsNull());
  EXPECT_TRUE(root.Get("c"));  // given, empty
  EXPECT_TRUE(root.Get("c").IsNull());
  EXPECT_FALSE(root.Get("zzz"));  // not given
  EXPECT_EQ(root.Get("d").Get("e").Scalar(), "f");
  EXPECT_EQ(root.Get("d").Mark().line, 3);  // 0-based
  EXPECT_EQ(root.Get("d").Mark().column, 3);
  EXPECT_TRUE(doc.problems().empty());
}

TEST(YamlDocument, QuotedNullIsAString) {
  const YamlDocument doc = Parse("a: 'null'\nb: null\n");
  EXPECT_TRUE(doc.root().Get("a").IsScalar());
  EXPECT_TRUE(doc.root().Get("b").IsNull());
}

TEST(YamlDocument, MergeKeysWrittenWinThenEarlierMerged) {
  const YamlDocument doc = Parse(
      "x: &x {a: 1, b: 1, c: 1}\n"
      "y: &y {b: 2, d: 2}\n"
      "z: {<<: [*y, *x], c: 3}\n");
  const YamlNode z = doc.root().Get("z");
  ASSERT_EQ(z.size(), 4u);  // c written; b, d from y; a from x
  EXPECT_EQ(z.Get("c").Scalar(), "3");
  EXPECT_EQ(z.Get("b").Scalar(), "2");
  EXPECT_EQ(z.Get("d").Scalar(), "2");
  EXPECT_EQ(z.Get("a").Scalar(), "1");
  EXPECT_FALSE(z.Get("<<"));
  // A quoted "<<" is an ordinary key.
  EXPECT_TRUE(Parse("m: {'<<': 1}\n").root().Get("m").Get("<<"));
}

TEST(YamlDocument, MergeOfAScalarIsAnError) {
  auto doc = YamlDocument::Parse("a: &a 1\nb: {<<: *a}\n", "t.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(std::string(doc.status().message()).find("t.yaml:2:5: not valid YAML: a merge key"),
            std::string::npos)
      << doc.status().message();
}

TEST(YamlDocument, DuplicateKeysAreProblemsAndTheFirstIsKept) {
  const YamlDocument doc = Parse("a: 1\nb: 2\na: 3\na: 4\n");
  EXPECT_EQ(doc.root().Get("a").Scalar(), "1");
  EXPECT_EQ(doc.root().size(), 2u);
  ASSERT_EQ(doc.problems().size(), 2u);
  EXPECT_EQ(doc.problems()[0].mark.line, 2);
  EXPECT_NE(doc.problems()[0].message.find("duplicate key \"a\": already given at line 1"),
            std::string::npos);
}

TEST(YamlDocument, AliasesMustFollowACompleteAnchor) {
  EXPECT_FALSE(YamlDocument::Parse("a: *nope\n", "t.yaml").ok());
  // Inside its own definition the anchor is not yet complete: no cycles.
  EXPECT_FALSE(YamlDocument::Parse("a: &s [1, *s]\n", "t.yaml").ok());
  const YamlDocument doc = Parse("a: &s [1, 2]\nb: *s\n");
  EXPECT_EQ(doc.root().Get("b").size(), 2u);
}

TEST(YamlDocument, NestingIsBounded) {
  const std::string deep(YamlDocument::kMaxDepth + 1, '[');
  auto doc = YamlDocument::Parse(deep, "t.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(std::string(doc.status().message()).find("nested deeper than 256 levels"),
            std::string::npos);
  EXPECT_TRUE(YamlDocument::Parse(std::string(100, '[') + std::string(100, ']'), "t.yaml").ok());
}

TEST(YamlDocument, SyntaxErrorsNameThePlace) {
  auto doc = YamlDocument::Parse("a: [1, 2\nb: 3\n", "t.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(std::string(doc.status().message()).rfind("t.yaml:", 0), 0u);
  EXPECT_NE(std::string(doc.status().message()).find("not valid YAML"), std::string::npos);
}

TEST(YamlDocument, FlatMapNestsDottedKeys) {
  const YamlDocument doc = YamlDocument::FlatMap(
      {{"name", "j"}, {"checkpoint.interval", "30 min"}, {"gpus", ""}, {"checkpoint.save", "6 s"}},
      YamlMark{});
  const YamlNode root = doc.root();
  ASSERT_EQ(root.size(), 3u);  // name, checkpoint, gpus
  EXPECT_EQ(root.Key(1).Scalar(), "checkpoint");
  EXPECT_EQ(root.Get("checkpoint").Get("interval").Scalar(), "30 min");
  EXPECT_EQ(root.Get("checkpoint").Get("save").Scalar(), "6 s");
  EXPECT_TRUE(root.Get("gpus").IsNull());
  EXPECT_LT(root.Mark().line, 0);
}

}  // namespace
}  // namespace headroom::config
