//go:build openssl && cgo

package keys

/*
#cgo LDFLAGS: -lcrypto
#include <stdlib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

// plummock_load turns a PKCS#8 DER private key into an EVP_PKEY (NULL on failure).
static EVP_PKEY *plummock_load(const unsigned char *der, long len) {
	const unsigned char *p = der;
	return d2i_AutoPrivateKey(NULL, &p, len);
}

// plummock_sign_rs256 writes the RSASSA-PKCS1-v1_5 SHA-256 signature of msg into sig (room for
// *siglen bytes) and returns 1, or 0 on failure.
static int plummock_sign_rs256(EVP_PKEY *key, const unsigned char *msg, size_t len, unsigned char *sig, size_t *siglen) {
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx == NULL) return 0;
	int ok = EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
		EVP_DigestSign(ctx, sig, siglen, msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}
*/
import "C"

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"runtime"
	"unsafe"

	"github.com/golang-jwt/jwt/v5"
)

// SignerBackend names the code that makes RS256 signatures in this build.
const SignerBackend = "openssl"

// opensslKey is an RSA private key loaded into libcrypto once, signed with on every call.
type opensslKey struct {
	pkey *C.EVP_PKEY
	size int
}

// rs256OpenSSL signs RS256 through OpenSSL's libcrypto (EVP_DigestSign), which is faster than
// Go's own RSA on most machines; it verifies as Go's RS256 does.
type rs256OpenSSL struct{ *jwt.SigningMethodRSA }

// fastSigner returns the signing method and key to sign RS256 with through OpenSSL; other keys
// sign with Go.
func fastSigner(signer crypto.Signer, method jwt.SigningMethod) (jwt.SigningMethod, any, error) {
	priv, ok := signer.(*rsa.PrivateKey)
	if !ok {
		return method, signer, nil
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, err
	}
	pkey := C.plummock_load((*C.uchar)(unsafe.Pointer(&der[0])), C.long(len(der)))
	if pkey == nil {
		return nil, nil, errors.New("keys: OpenSSL refused the RSA key")
	}
	k := &opensslKey{pkey: pkey, size: priv.Size()}
	runtime.AddCleanup(k, func(p *C.EVP_PKEY) { C.EVP_PKEY_free(p) }, pkey)
	return rs256OpenSSL{jwt.SigningMethodRS256}, k, nil
}

// Sign makes the signature over signingString with an *opensslKey.
func (m rs256OpenSSL) Sign(signingString string, key any) ([]byte, error) {
	k, ok := key.(*opensslKey)
	if !ok {
		return m.SigningMethodRSA.Sign(signingString, key)
	}
	msg := []byte(signingString)
	sig := make([]byte, k.size)
	n := C.size_t(len(sig))
	if C.plummock_sign_rs256(k.pkey, (*C.uchar)(unsafe.Pointer(&msg[0])), C.size_t(len(msg)), (*C.uchar)(unsafe.Pointer(&sig[0])), &n) != 1 {
		return nil, errors.New("keys: OpenSSL could not sign")
	}
	runtime.KeepAlive(k)
	return sig[:n], nil
}
