#pragma once
// A strict reader for comma-separated files with a header row. Quoted fields ("a,b") are
// supported; a UTF-8 byte-order mark before the header is skipped; every row must have as many
// fields as the header. Errors name the file and line: rows with the wrong number of fields are
// all reported at once, one a line (the first kMaxCsvProblemsListed, then how many more).
// Only regular files are read (a FIFO or a device is refused before it is opened), at most
// kMaxInputFileBytes of them; a table holds at most kMaxCsvRows rows and kMaxCsvCells fields, so
// that a hostile or mistaken file cannot exhaust memory.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace headroom {

// The largest input file read (1 GiB).
inline constexpr std::uint64_t kMaxInputFileBytes = std::uint64_t{1} << 30;
// The most data rows of a CSV table: five million (a year of 10-second steps is 3.2 million).
inline constexpr size_t kMaxCsvRows = 5'000'000;
// The most fields of a CSV table, all rows together (about 1.5 GB held as strings at most).
inline constexpr size_t kMaxCsvCells = 50'000'000;
// The most rows with the wrong number of fields that one error lists (the rest are counted).
inline constexpr size_t kMaxCsvProblemsListed = 20;

class CsvTable {
 public:
  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  size_t rows() const { return rows_.size(); }
  // The field of row `r` in column `c`. REQUIRES: r < rows(), c < header().size().
  const std::string& at(size_t r, size_t c) const { return rows_[r][c]; }
  // The 1-based line number in the file of row `r`.
  int line(size_t r) const { return lines_[r]; }
  // The index of column `name`, or an error that lists the columns there are.
  absl::StatusOr<size_t> Column(std::string_view name) const;
  // The field at (r, c) as a number, or an error naming file, line and column.
  absl::StatusOr<double> Number(size_t r, size_t c) const;

  // Parses `text` (the contents of `path`, used in messages). An error's message has one line per
  // problem, each starting with "path:line: ".
  static absl::StatusOr<CsvTable> Parse(std::string_view text, std::string path);
  // Reads and parses the file at `path`.
  static absl::StatusOr<CsvTable> Read(const std::string& path);

 private:
  std::string path_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<int> lines_;
  size_t cells_ = 0;
};

// Reads a whole file into a string; NotFound with the path if it cannot be opened, InvalidArgument
// if it is not a regular file or is larger than kMaxInputFileBytes.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace headroom
