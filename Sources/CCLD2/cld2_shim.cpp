// CLD2 is C++ only (namespace CLD2, mangled symbols): this file gives Swift a C entry point.
#include <cstdio>  // compact_lang_det.h uses FILE without including it
#include <cstring>
#include <cld2/public/compact_lang_det.h>
#include "cld2_shim.h"

extern "C" int wr_detect_language(const char *utf8, int length, char *code, int code_capacity, int *percent) {
    CLD2::Language languages[3];
    int percents[3];
    int text_bytes = 0;
    bool reliable = false;
    CLD2::Language language = CLD2::DetectLanguageSummary(utf8, length, true, languages, percents, &text_bytes, &reliable);
    const char *name = CLD2::LanguageCode(language);
    std::strncpy(code, name, code_capacity - 1);
    code[code_capacity - 1] = 0;
    *percent = percents[0];
    return reliable && language != CLD2::UNKNOWN_LANGUAGE ? 1 : 0;
}
