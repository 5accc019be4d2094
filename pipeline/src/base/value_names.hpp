#pragma once
// The Chinese names of the words ecomon writes as values in its tables (verdicts, land cover
// classes, yes/no, a scene's status, a trend's direction, an interval's basis): one vocabulary for
// every table a bureau reads in Chinese (the CSVs with `report.headers: zh`, the workbook), so that
// a class or a verdict has one Chinese name wherever it appears.
#include <string>

namespace ecomon {

/// The Chinese name of a value word ("met" -> "达标"); an interval basis joined by '+'
/// ("sample+unobserved") is named part by part. Empty when the text is not in the vocabulary
/// (a number, a name, a free text): it stays as written.
std::string chinese_value_name(const std::string& english);

/// `english` as a table in `headers` language writes it (en | zh | en_zh, as report.headers): the
/// English word, its Chinese name, or both ("达标 met"); text outside the vocabulary as it is.
std::string value_in_language(const std::string& english, const std::string& headers);

}  // namespace ecomon
