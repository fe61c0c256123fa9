// Minimal strict JSON: parse one object per line into a flat Record, and
// write JSON strings and numbers. Nested values are kept as their JSON text.
#pragma once
#include <string>
#include <string_view>

#include "io/record.h"

namespace rasid::json {

// Parses `line` (already valid UTF-8) as one JSON object into `out.fields`.
// Strings are unescaped; numbers and booleans keep their literal text; null
// fields are dropped; arrays and objects keep their raw JSON text.
// Returns an empty string on success, else a short description of the error.
std::string parse_object(std::string_view line, Record& out);

// Appends `s` as a quoted JSON string. Invalid UTF-8 becomes U+FFFD so the
// output is always valid JSON.
void append_string(std::string& out, std::string_view s);

// Appends a number with enough digits to round-trip a float; NaN and
// infinities, which JSON lacks, are written as null.
void append_number(std::string& out, double v, int precision = 6);

}  // namespace rasid::json
