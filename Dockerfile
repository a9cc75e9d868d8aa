# plummock's container image: a static binary on scratch, running as a non-root user, listening
# on :8080, health-checked by the binary itself (no shell in the image).
#
#   docker build -t plummock .          (or: buildah build -t plummock .; podman build ...)
#   docker run --rm -p 8080:8080 -e PLUMMOCK_ADMIN_TOKEN=change-me plummock
#
# The base image is named in full (registry/namespace/name) so that builders without Docker's
# implicit docker.io, such as buildah and podman with no unqualified-search registries, resolve
# it without a prompt. The final stage is scratch: no registry.
#
# Offline (no registry), scripts/image-test.sh builds the same file with buildah, passing a
# build-stage image assembled from the machine's own Go toolchain as GO_IMAGE and the machine's
# module cache as GOPROXY.
ARG GO_IMAGE=docker.io/library/golang:1.26

FROM ${GO_IMAGE} AS build
# GOPROXY: where modules come from (a file:// proxy works offline). BUILDVCS=auto stamps the
# git revision into the binary (plummock version) when the context is a git clone with .git.
ARG GOPROXY=https://proxy.golang.org,direct
ARG BUILDVCS=auto
ENV CGO_ENABLED=0 GOPROXY=${GOPROXY} GOFLAGS="-trimpath -buildvcs=${BUILDVCS}"
WORKDIR /src
COPY go.mod go.sum ./
RUN ["go", "mod", "download"]
COPY . .
RUN ["go", "build", "-ldflags=-s -w", "-o", "/out/plummock", "./cmd/plummock"]
# An empty /data, owned by the runtime user, for --store file:/data/plummock.db on a volume.
WORKDIR /out/data

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/plummock /plummock
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV PLUMMOCK_ADDR=:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=4s --start-period=5s --retries=3 CMD ["/plummock", "healthcheck"]
ENTRYPOINT ["/plummock"]
CMD ["serve"]
