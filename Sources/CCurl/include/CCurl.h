// Typed wrappers around libcurl's variadic calls, which Swift cannot call directly.
#ifndef WIREROOM_CCURL_H
#define WIREROOM_CCURL_H

#include <curl/curl.h>
#include <sys/socket.h>

typedef size_t (*wr_data_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*wr_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *context);
typedef curl_socket_t (*wr_opensocket_callback)(void *context, curlsocktype purpose, struct curl_sockaddr *address);

CURLcode wr_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode wr_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode wr_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode wr_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode wr_easy_setopt_data_callback(CURL *handle, CURLoption option, wr_data_callback callback);
CURLcode wr_easy_setopt_opensocket(CURL *handle, wr_opensocket_callback callback);
CURLcode wr_easy_setopt_debug(CURL *handle, wr_debug_callback callback);

CURLcode wr_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode wr_easy_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode wr_easy_getinfo_double(CURL *handle, CURLINFO info, double *value);
/// The returned string belongs to the handle; copy it before the handle is cleaned up.
CURLcode wr_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value);
CURLcode wr_easy_getinfo_private(CURL *handle, void **value);

CURLMcode wr_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// The CURL_VERSION_NOW the headers were built with (a macro Swift does not see).
curl_version_info_data *wr_version_info(void);

#endif
