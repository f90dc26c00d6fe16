#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
static inline long sb_bench_ssl_set_mtu(SSL *ssl, long mtu) { return SSL_set_mtu(ssl, mtu); }
static inline uint64_t sb_bench_op_no_query_mtu(void) { return (uint64_t)SSL_OP_NO_QUERY_MTU; }
static inline int sb_bench_set_dtls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) && (int)SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION);
}
static int sb_bench_verify_any(int ok, X509_STORE_CTX *store) { (void)ok; (void)store; return 1; }
static inline void sb_bench_verify_peer_any(SSL_CTX *ctx) { SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, sb_bench_verify_any); }
