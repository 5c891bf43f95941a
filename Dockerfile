# syntax=docker/dockerfile:1.7
#
# The `polku` binary in a distroless image. Migrations, Fluent messages, the
# service-model rules and the demo transfer file are compiled into the binary
# (sqlx::migrate! and include_str!), so the image holds nothing else.
#
#   docker build -t polku .
#   docker run --rm polku --help
#
# Needs BuildKit (the default builder since Docker 23) for the cache mounts.

# The toolchain the workspace is built and tested with here. The lockfile has
# not been tried on anything older, the declared rust-version (1.85) included.
ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src
COPY . .
# The cache mounts keep the registry and the build between image builds; the
# binary is copied out of them in the same step, since they are not layers.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p polku-server --no-default-features \
    && cp target/release/polku /polku

# cc: glibc and libgcc, which a Rust binary built on bookworm links against.
# nonroot: uid and gid 65532, the ids the Helm chart runs the pods as.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /polku /polku
# Inside a container the loopback default would be unreachable.
ENV POLKU_LISTEN=0.0.0.0:8080 \
    POLKU_LOG_FORMAT=json
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/polku"]
CMD ["serve"]
