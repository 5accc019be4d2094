// ecomon_report.xlsx: every CSV table of the run as a sheet of one workbook, for the staff who live in
// Excel: Chinese headers (the columns' registered names) and named values (verdicts, classes), numbers as numbers with the CSV's decimals
// as their format, codes and identifiers kept as text, the header row frozen and filtered. Written
// with libxlsxwriter (Debian's), from the tables the CSV writers have just written (the same rows:
// one computation, two renderings), after them in the writers' order.
#include <spdlog/spdlog.h>

#include <xlsxwriter.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "base/errors.hpp"
#include "base/value_names.hpp"
#include "libgeo/io/raster.hpp"
#include "report/report_writer.hpp"

namespace ecomon {

namespace {

// The rows of a CSV this ecomon wrote (RFC 4180: quoted fields may hold commas, quotes and newlines).
std::vector<std::vector<std::string>> read_csv_rows(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = any = true;
    } else if (c == ',') {
      row.push_back(std::move(field)), field.clear(), any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) row.push_back(std::move(field)), rows.push_back(std::move(row));
      field.clear(), row.clear(), any = false;
    } else {
      field += c, any = true;
    }
  }
  if (any || !field.empty()) row.push_back(std::move(field)), rows.push_back(std::move(row));
  return rows;
}

// Columns whose values are names, not quantities, even when they look like numbers (a zone's
// 6-digit adcode, a plot's id).
bool text_column(const std::string& key) {
  const auto ends = [&](const char* s) {
    const std::size_t n = std::strlen(s);
    return key.size() >= n && key.compare(key.size() - n, n, s) == 0;
  };
  return ends("code") || ends("_id") || key == "id" || ends("_name") || key == "source" || key == "path" || key == "date";
}

// The number a cell holds, and its decimals; none for text.
bool as_number(const std::string& text, double& value, int& decimals) {
  if (text.empty() || text.size() > 40) return false;
  char* end = nullptr;
  errno = 0;
  value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno != 0 || text.find_first_of("xXpPnNiI") != std::string::npos) return false;
  const auto dot = text.find('.');
  decimals = dot == std::string::npos ? 0 : int(text.size() - dot - 1);
  return true;
}

class XlsxReportWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    struct Table {
      std::string name;
      const std::vector<ReportColumn>* columns;
      std::vector<std::vector<std::string>> rows;
    };
    std::vector<Table> tables;
    for (const auto& [name, columns] : report_column_tables()) {
      if (name.size() < 5 || name.compare(name.size() - 4, 4, ".csv") != 0) continue;
      // revisions.csv compares this publication with the one before: the folder's history, not the
      // results; the workbook holds the results (the same figures give the same workbook).
      if (name == "revisions.csv") continue;
      const std::string path = r.output.path({name});
      std::error_code ec;
      if (!std::filesystem::exists(path, ec)) continue;
      tables.push_back({name, columns, read_csv_rows(path)});
    }
    if (tables.empty()) return;
    const std::string target = r.output.path({"ecomon_report.xlsx"});
    const std::string partial = target + ".partial." + std::to_string(::getpid());
    lxw_workbook_options options{};
    options.tmpdir = nullptr;
    lxw_workbook* book = workbook_new_opt(partial.c_str(), &options);
    if (!book) throw OutputError(partial + ": cannot create the workbook");
    // A fixed creation time (also the zip entries' times): the same results give the same bytes.
    lxw_doc_properties properties{};
    static char title[] = "ecomon";
    properties.title = title;
    std::tm created{};
    created.tm_year = (r.years.empty() ? 2000 : r.years.back().year + 1) - 1900, created.tm_mday = 1;
    properties.created = timegm(&created);
    workbook_set_properties(book, &properties);
    lxw_format* header = workbook_add_format(book);
    format_set_bold(header);
    format_set_bg_color(header, 0xE8F0E8);
    format_set_text_wrap(header);
    std::map<int, lxw_format*> number_formats;
    const auto number_format = [&](int decimals) {
      auto& f = number_formats[decimals];
      if (!f) {
        f = workbook_add_format(book);
        format_set_num_format(f, decimals == 0 ? "0" : ("0." + std::string(std::size_t(decimals), '0')).c_str());
      }
      return f;
    };
    for (const Table& t : tables) {
      if (t.rows.empty()) continue;
      std::string sheet_name = t.name.substr(0, t.name.size() - 4);
      if (sheet_name.size() > 31) sheet_name.resize(31);  // Excel's limit
      lxw_worksheet* sheet = workbook_add_worksheet(book, sheet_name.c_str());
      // The header: the registered Chinese names when the table has the registered columns.
      const std::vector<ReportColumn>& columns = *t.columns;
      const std::vector<std::string>& first = t.rows.front();
      const bool registered = first.size() == columns.size();
      for (std::size_t c = 0; c < first.size(); ++c) {
        const std::string name = registered ? std::string(columns[c].zh) + "\n" + columns[c].key : first[c];
        worksheet_write_string(sheet, 0, lxw_col_t(c), name.c_str(), header);
        worksheet_set_column(sheet, lxw_col_t(c), lxw_col_t(c), 14, nullptr);
      }
      worksheet_set_row(sheet, 0, 32, nullptr);
      for (std::size_t i = 1; i < t.rows.size(); ++i)
        for (std::size_t c = 0; c < t.rows[i].size(); ++c) {
          const std::string& cell = t.rows[i][c];
          const std::string key = registered ? columns[c].key : first[c];
          double value = 0;
          int decimals = 0;
          // A named value (a verdict, a class, yes/no) in Chinese, as the headers are.
          const std::string named = registered && columns[c].named_values ? chinese_value_name(cell) : "";
          if (!named.empty())
            worksheet_write_string(sheet, lxw_row_t(i), lxw_col_t(c), named.c_str(), nullptr);
          else if (!text_column(key) && as_number(cell, value, decimals))
            worksheet_write_number(sheet, lxw_row_t(i), lxw_col_t(c), value, number_format(decimals));
          else if (!cell.empty())
            worksheet_write_string(sheet, lxw_row_t(i), lxw_col_t(c), cell.c_str(), nullptr);
        }
      worksheet_freeze_panes(sheet, 1, 0);
      worksheet_autofilter(sheet, 0, 0, lxw_row_t(t.rows.size() - 1), lxw_col_t(first.size() - 1));
    }
    const lxw_error error = workbook_close(book);
    if (error != LXW_NO_ERROR) {
      std::remove(partial.c_str());
      throw OutputError(target + ": cannot write the workbook: " + lxw_strerror(error));
    }
    geo::io::atomic_replace(partial, target);
    spdlog::info("workbook {} ({} sheets)", target, tables.size());
  }
};

const ReportWriterRegistration registration("80-xlsx", [] { return std::make_unique<XlsxReportWriter>(); });

}  // namespace

}  // namespace ecomon
