/* The libcurl functions the HTTP cells call, forwarding to libcurl opened on first use
   (CDynamicLoad). Until then, and if it cannot be opened, they fail the way libcurl
   itself fails: NULL handles, CURLE_FAILED_INIT, CURLM_INTERNAL_ERROR. */
#include "CCurl.h"
#include "spin_dynamic_load.h"

#include <stdarg.h>

#define CURL_FUNCTIONS(X, L) \
    X(L, CURLcode, curl_global_init, (long flags), (flags), CURLE_FAILED_INIT) \
    X(L, char *, curl_version, (void), (), NULL) \
    X(L, CURL *, curl_easy_init, (void), (), NULL) \
    X(L, const char *, curl_easy_strerror, (CURLcode code), (code), "libcurl is not loaded") \
    X(L, struct curl_slist *, curl_slist_append, (struct curl_slist *list, const char *data), (list, data), NULL) \
    X(L, CURLM *, curl_multi_init, (void), (), NULL) \
    X(L, CURLMcode, curl_multi_add_handle, (CURLM *multi, CURL *easy), (multi, easy), CURLM_INTERNAL_ERROR) \
    X(L, CURLMcode, curl_multi_remove_handle, (CURLM *multi, CURL *easy), (multi, easy), CURLM_INTERNAL_ERROR) \
    X(L, CURLMcode, curl_multi_perform, (CURLM *multi, int *running), (multi, running), CURLM_INTERNAL_ERROR) \
    X(L, CURLMcode, curl_multi_poll, (CURLM *multi, struct curl_waitfd extra[], unsigned int count, int timeout, int *ret), \
      (multi, extra, count, timeout, ret), CURLM_INTERNAL_ERROR) \
    X(L, CURLMcode, curl_multi_wakeup, (CURLM *multi), (multi), CURLM_INTERNAL_ERROR) \
    X(L, CURLMsg *, curl_multi_info_read, (CURLM *multi, int *queued), (multi, queued), NULL) \
    X(L, CURLMcode, curl_multi_cleanup, (CURLM *multi), (multi), CURLM_INTERNAL_ERROR)

/* Functions that return nothing: before a successful load there is nothing to free. */
#define CURL_PROCEDURES(X, L) \
    X(L, curl_easy_cleanup, (CURL *easy), (easy)) \
    X(L, curl_slist_free_all, (struct curl_slist *list), (list))

/* Variadic: resolved here, forwarded below. */
#define CURL_OTHERS(X, L) X(L, curl_easy_setopt) X(L, curl_easy_getinfo)

SPIN_LIBRARY_DEFINE(curl, "libcurl.so.4", CURL_FUNCTIONS, CURL_PROCEDURES, CURL_OTHERS)

const char *spin_curl_load_error(void) { return spin_library_error(&curl); }

/* curl_easy_setopt and curl_easy_getinfo take one argument after the option, whose type
   the option's number says (curl.h's CURLOPTTYPE_* ranges; every CURLINFO takes a
   pointer): read it as that type and pass it on. */
CURLcode (curl_easy_setopt)(CURL *easy, CURLoption option, ...) {
    typedef CURLcode (*setopt)(CURL *, CURLoption, ...);
    if (!spin_library_load(&curl)) return CURLE_FAILED_INIT;
    setopt real = (setopt)curl.slots[index_curl_easy_setopt];
    va_list arguments;
    va_start(arguments, option);
    CURLcode result;
    if (option < CURLOPTTYPE_OBJECTPOINT) {
        result = real(easy, option, va_arg(arguments, long));
    } else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB) {
        result = real(easy, option, va_arg(arguments, curl_off_t));
    } else {
        result = real(easy, option, va_arg(arguments, void *));
    }
    va_end(arguments);
    return result;
}

CURLcode (curl_easy_getinfo)(CURL *easy, CURLINFO info, ...) {
    typedef CURLcode (*getinfo)(CURL *, CURLINFO, ...);
    if (!spin_library_load(&curl)) return CURLE_FAILED_INIT;
    va_list arguments;
    va_start(arguments, info);
    CURLcode result = ((getinfo)curl.slots[index_curl_easy_getinfo])(easy, info, va_arg(arguments, void *));
    va_end(arguments);
    return result;
}
