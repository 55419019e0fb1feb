#ifndef TRIAGE_CCURL_SHIM_H
#define TRIAGE_CCURL_SHIM_H

#include <curl/curl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
   wrapper per kind of argument used. */

static inline CURLcode triage_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode triage_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode triage_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode triage_curl_set_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode triage_curl_set_write(CURL *handle, size_t (*callback)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

static inline CURLcode triage_curl_response_code(CURL *handle, long *code) {
    return curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, code);
}

static inline CURLcode triage_curl_private(CURL *handle, char **pointer) {
    return curl_easy_getinfo(handle, CURLINFO_PRIVATE, pointer);
}

/* The client's loop thread: its name (as top and /proc show it) and its id (its CPU is in
   /proc/self/task/ID/stat). Both calls are variadic or need _GNU_SOURCE in Swift. */

static inline void triage_name_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

static inline int triage_thread_id(void) {
    return (int)syscall(SYS_gettid);
}

#endif
