#ifndef TRIAGE_CLIBSSH2_SHIM_H
#define TRIAGE_CLIBSSH2_SHIM_H

#include <libssh2.h>
#include <stddef.h>
#include <string.h>

/* Swift does not import function-like macros: each one used is wrapped here. */

static inline LIBSSH2_SESSION *triage_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}

static inline int triage_session_disconnect(LIBSSH2_SESSION *session, const char *description) {
    return libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, description, "");
}

static inline LIBSSH2_CHANNEL *triage_channel_open_session(LIBSSH2_SESSION *session) {
    return libssh2_channel_open_ex(session, "session", sizeof("session") - 1,
                                   LIBSSH2_CHANNEL_WINDOW_DEFAULT,
                                   LIBSSH2_CHANNEL_PACKET_DEFAULT, NULL, 0);
}

static inline LIBSSH2_CHANNEL *triage_channel_direct_tcpip(LIBSSH2_SESSION *session,
                                                           const char *host, int port) {
    return libssh2_channel_direct_tcpip_ex(session, host, port, "127.0.0.1", 22);
}

static inline int triage_channel_exec(LIBSSH2_CHANNEL *channel, const char *command) {
    return libssh2_channel_process_startup(channel, "exec", sizeof("exec") - 1,
                                           command, (unsigned int)strlen(command));
}

static inline ssize_t triage_channel_read(LIBSSH2_CHANNEL *channel, int stream,
                                          char *buffer, size_t length) {
    return libssh2_channel_read_ex(channel, stream, buffer, length);
}

static inline ssize_t triage_channel_write(LIBSSH2_CHANNEL *channel,
                                           const char *buffer, size_t length) {
    return libssh2_channel_write_ex(channel, 0, buffer, length);
}

static inline int triage_userauth_publickey_frommemory(LIBSSH2_SESSION *session,
                                                       const char *user,
                                                       const char *privateKey, size_t privateKeyLength,
                                                       const char *passphrase) {
    return libssh2_userauth_publickey_frommemory(session, user, strlen(user), NULL, 0,
                                                 privateKey, privateKeyLength, passphrase);
}

static inline const char *triage_last_error(LIBSSH2_SESSION *session) {
    char *message = NULL;
    int length = 0;
    libssh2_session_last_error(session, &message, &length, 0);
    return message ? message : "";
}

#endif
