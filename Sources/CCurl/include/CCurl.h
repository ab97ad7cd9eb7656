#ifndef SPIN_CCURL_H
#define SPIN_CCURL_H
#include <curl/curl.h>

/* libcurl is opened on first use (curl_loader.c), not at start-up: the curl_* functions
   Swift calls are ours and forward to it. Why it could not be opened ("libcurl.so.4:
   cannot open shared object file…"), or NULL once it is. */
const char *spin_curl_load_error(void);

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot
   call: typed wrappers, one per argument kind. */
static inline CURLcode spin_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode spin_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode spin_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode spin_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*spin_curl_data_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode spin_curl_setopt_callback(CURL *handle, CURLoption option, spin_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode spin_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
/* Added for the http cell's transfer (CellProcessors/HTTP). */
static inline CURLcode spin_curl_global_init_default(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}
static inline CURLcode spin_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
typedef int (*spin_curl_xferinfo_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow,
                                           curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode spin_curl_setopt_xferinfo(CURL *handle, spin_curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}
static inline CURLcode spin_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    char *result = NULL;
    CURLcode code = curl_easy_getinfo(handle, info, &result);
    *value = result;
    return code;
}
static inline CURLcode spin_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
/* CURLMsg's result lives in a union; read it in C. */
static inline CURLcode spin_curl_msg_result(const CURLMsg *message) {
    return message->data.result;
}
#endif
