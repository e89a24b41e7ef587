#include "base/csv.h"

#include <sys/stat.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace headroom {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  // Checked before opening: opening a FIFO blocks, and /dev/zero never ends.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open file"));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a regular file (",
                     S_ISDIR(st.st_mode) ? "a folder" : "a device, FIFO or socket",
                     "); inputs must be regular files"));
  }
  if (static_cast<std::uint64_t>(st.st_size) > kMaxInputFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", st.st_size,
                                                   " bytes; input files are limited to ",
                                                   kMaxInputFileBytes, " bytes (1 GiB)"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open file"));
  std::string text;
  text.resize(static_cast<size_t>(st.st_size));
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return text;
}

absl::StatusOr<CsvTable> CsvTable::Read(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

absl::StatusOr<CsvTable> CsvTable::Parse(std::string_view text, std::string path) {
  CsvTable t;
  t.path_ = std::move(path);
  int line = 1;
  // A UTF-8 byte-order mark (spreadsheets write one) is not part of the first column's name.
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  size_t i = text.substr(0, kUtf8Bom.size()) == kUtf8Bom ? kUtf8Bom.size() : 0;
  bool have_header = false;
  // Rows with the wrong number of fields: the first few listed, the others counted.
  std::vector<std::string> problems;
  size_t unlisted = 0;
  while (i < text.size()) {
    const int row_line = line;
    std::vector<std::string> fields;
    std::string field;
    bool in_quotes = false;
    bool row_done = false;
    while (i < text.size() && !row_done) {
      const char c = text[i++];
      if (in_quotes) {
        if (c == '"') {
          if (i < text.size() && text[i] == '"') {
            field += '"';
            ++i;
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n') ++line;
          field += c;
        }
      } else if (c == '"' && field.empty()) {
        in_quotes = true;
      } else if (c == ',') {
        fields.push_back(std::move(field));
        field.clear();
      } else if (c == '\r') {
        // Tolerate CRLF line endings.
      } else if (c == '\n') {
        ++line;
        row_done = true;
      } else {
        field += c;
      }
    }
    if (in_quotes) {
      return absl::InvalidArgumentError(
          absl::StrCat(t.path_, ":", row_line, ": unterminated quoted field"));
    }
    fields.push_back(std::move(field));
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    if (!have_header) {
      t.header_ = std::move(fields);
      have_header = true;
      continue;
    }
    if (fields.size() != t.header_.size()) {
      if (problems.size() < kMaxCsvProblemsListed) {
        problems.push_back(absl::StrCat(t.path_, ":", row_line, ": expected ", t.header_.size(),
                                        " fields (", absl::StrJoin(t.header_, ","), "), found ",
                                        fields.size()));
      } else {
        ++unlisted;
      }
      continue;
    }
    if (t.rows_.size() >= kMaxCsvRows || t.cells_ + fields.size() > kMaxCsvCells) {
      return absl::InvalidArgumentError(
          absl::StrCat(t.path_, ":", row_line, ": more than ", kMaxCsvRows, " rows or ",
                       kMaxCsvCells, " fields; split the file or use a coarser step"));
    }
    t.cells_ += fields.size();
    t.rows_.push_back(std::move(fields));
    t.lines_.push_back(row_line);
  }
  if (!have_header) {
    return absl::InvalidArgumentError(absl::StrCat(t.path_, ": empty file, expected a header row"));
  }
  if (unlisted > 0) {
    problems.push_back(absl::StrCat(t.path_, ": and ", unlisted, " more row",
                                    unlisted == 1 ? "" : "s", " with the wrong number of fields"));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
  return t;
}

absl::StatusOr<size_t> CsvTable::Column(std::string_view name) const {
  for (size_t c = 0; c < header_.size(); ++c) {
    if (header_[c] == name) return c;
  }
  return absl::InvalidArgumentError(absl::StrCat(path_, ":1: no column \"", std::string(name),
                                                 "\"; the columns are ",
                                                 absl::StrJoin(header_, ", ")));
}

absl::StatusOr<double> CsvTable::Number(size_t r, size_t c) const {
  const std::string& f = rows_[r][c];
  double v = 0;
  const char* b = f.data();
  const char* e = f.data() + f.size();
  while (b < e && *b == ' ') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || b == e || !std::isfinite(v)) {
    return absl::InvalidArgumentError(absl::StrCat(path_, ":", lines_[r], ": column \"", header_[c],
                                                   "\": expected a number, got \"", f, "\""));
  }
  return v;
}

}  // namespace headroom
