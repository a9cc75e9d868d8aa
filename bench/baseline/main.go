// Command baseline is the yardstick bench/run.sh measures plummock against, in the same run and
// with the same load generator:
//
//   - plain: a net/http handler that writes a fixed ~300-byte JSON body, the ceiling for E4/E8;
//   - sign:  a handler that signs one RS256 JWT per request with plummock's test key and writes
//     it, and nothing else: the physical limit for E1/E2.
//
// It prints "listening on http://ADDR" once it accepts connections.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/plummock/plummock/fixtures"
)

func main() {
	mode := flag.String("mode", "plain", "plain or sign")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	h, err := handler(*mode)
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintln(os.Stderr, "baseline:", srv.Serve(ln))
	os.Exit(1)
}

func handler(mode string) (http.Handler, error) {
	switch mode {
	case "plain":
		return plain(), nil
	case "sign":
		return sign()
	}
	return nil, fmt.Errorf("unknown -mode %q (plain, sign)", mode)
}

// plain answers a fixed body shaped like a token set, about 300 bytes.
func plain() http.Handler {
	body := []byte(`{"access_token":"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.` + fmt.Sprintf("%0160d", 0) +
		`","token_type":"bearer","expires_in":1296000,"access_token_expiry":1767225600000,"refresh_token_expiry":1768521600000}`)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
}

// sign signs one RS256 JWT per request with the claims plummock puts in a user token.
func sign() (http.Handler, error) {
	key, err := jwt.ParseRSAPrivateKeyFromPEM(fixtures.TestKeyPEM())
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		now := time.Now()
		jti := make([]byte, 16)
		_, _ = rand.Read(jti)
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
			"iss": "plummock", "sub": "admin@demo.example", "jti": hex.EncodeToString(jti),
			"iat": now.Unix(), "exp": now.Add(360 * time.Hour).Unix(),
			"scope": "user_session", "kind": "user", "company": "demo", "client_id": "demo-client",
		})
		tok.Header["kid"] = "baseline"
		s, err := tok.SignedString(key)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"access_token":%q,"token_type":"bearer","expires_in":1296000}`, s)
	}), nil
}
