// libxml2 for the parser: the HTML parser (htmlReadMemory) and the XML reader for feeds and sitemaps.
// Debian builds libxml2 with ICU, and its headers would then pull <unicode/*.h>, which clashes with
// Foundation's own ICU module; the parser needs none of libxml2's ICU parts.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

// `xmlFree` is a global function pointer, which Swift 6 treats as shared mutable state.
static inline void wr_xml_free(void *pointer) { xmlFree(pointer); }
