# Developer shortcuts; CI calls the scripts directly. Every target is bounded in time.
.PHONY: test race fuzz fuzz-long bench bench-quick soak lint build-boring build-openssl

test:
	go test ./...

race:
	go test -race ./...

# Each fuzz target for 10 s (what CI runs) or for FUZZTIME (default 5 min each).
fuzz:
	scripts/ci-fuzz.sh

fuzz-long:
	FUZZTIME=$${FUZZTIME:-5m} scripts/ci-fuzz.sh

# go test benchmarks of the hot paths, then the load run against the binary and the baselines.
bench:
	go test ./... -run '^$$' -bench . -benchtime 2s
	bench/run.sh

bench-quick:
	DURATION=2s ROUNDS=1 bench/run.sh

soak:
	SOAK=$${SOAK:-10m} ROUNDS=1 DURATION=2s bench/run.sh

lint:
	gofmt -l $$(git ls-files '*.go')
	go vet ./...
	staticcheck ./...

# The faster signing build: RS256 through BoringSSL (GOEXPERIMENT=boringcrypto; cgo, so a C
# compiler; linux/amd64 or arm64). `bin/plummock-boring version` shows "X:boringcrypto".
build-boring:
	CGO_ENABLED=1 GOEXPERIMENT=boringcrypto go build -o bin/plummock-boring ./cmd/plummock

# RS256 signed by OpenSSL's libcrypto (EVP_DigestSign; cgo, a C compiler and libssl-dev).
# ES256 and EdDSA still sign with Go. The keys tests compare its signatures with Go's.
build-openssl:
	CGO_ENABLED=1 go build -tags openssl -o bin/plummock-openssl ./cmd/plummock
