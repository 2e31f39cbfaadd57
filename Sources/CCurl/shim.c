#include "CCurl.h"

CURLcode wr_easy_setopt_long(CURL *handle, CURLoption option, long value) { return curl_easy_setopt(handle, option, value); }
CURLcode wr_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) { return curl_easy_setopt(handle, option, value); }
CURLcode wr_easy_setopt_string(CURL *handle, CURLoption option, const char *value) { return curl_easy_setopt(handle, option, value); }
CURLcode wr_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) { return curl_easy_setopt(handle, option, value); }
CURLcode wr_easy_setopt_data_callback(CURL *handle, CURLoption option, wr_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}
CURLcode wr_easy_setopt_opensocket(CURL *handle, wr_opensocket_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, callback);
}

CURLcode wr_easy_setopt_debug(CURL *handle, wr_debug_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, callback);
}

CURLcode wr_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) { return curl_easy_getinfo(handle, info, value); }
CURLcode wr_easy_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value) { return curl_easy_getinfo(handle, info, value); }
CURLcode wr_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) { return curl_easy_getinfo(handle, info, value); }
CURLcode wr_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    char *result = NULL;
    CURLcode code = curl_easy_getinfo(handle, info, &result);
    *value = result;
    return code;
}
CURLcode wr_easy_getinfo_private(CURL *handle, void **value) {
    char *result = NULL;
    CURLcode code = curl_easy_getinfo(handle, CURLINFO_PRIVATE, &result);
    *value = result;
    return code;
}

CURLMcode wr_multi_setopt_long(CURLM *multi, CURLMoption option, long value) { return curl_multi_setopt(multi, option, value); }

curl_version_info_data *wr_version_info(void) { return curl_version_info(CURLVERSION_NOW); }
