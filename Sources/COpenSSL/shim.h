#ifndef TRIAGE_COPENSSL_SHIM_H
#define TRIAGE_COPENSSL_SHIM_H

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* OpenSSL's function-like macros, which Swift does not import. */

static inline long triage_ssl_ctx_set_min_tls12(SSL_CTX *context) {
    return SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
}

static inline long triage_ssl_ctx_set_options(SSL_CTX *context) {
    /* A server that closes without close_notify (most, after "Connection: close") is an end, not an error. */
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return (long)SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);
}

static inline long triage_ssl_set_server_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

/* A request's thread: its name (as top and /proc show it) and its id (its CPU is in
   /proc/self/task/ID/stat). Both calls are variadic or need _GNU_SOURCE in Swift. */

static inline void triage_name_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

static inline int triage_thread_id(void) {
    return (int)syscall(SYS_gettid);
}

static inline int triage_eventfd(void) {
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

#endif
