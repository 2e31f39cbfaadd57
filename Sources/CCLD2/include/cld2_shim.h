#ifndef WIREROOM_CLD2_SHIM_H
#define WIREROOM_CLD2_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

/// Detects the language of UTF-8 plain text with CLD2. Writes the language code (ISO 639-1
/// where one exists, e.g. "en", "nl", "zh-Hant") to `code` and returns 1 when CLD2 found a
/// language it calls reliable, 0 otherwise; `percent` receives the share of the text in it.
int wr_detect_language(const char *utf8, int length, char *code, int code_capacity, int *percent);

#ifdef __cplusplus
}
#endif

#endif
