# Lentera server image: build in a Rust image, run in a slim Debian.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p lentera-api

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home /var/lib/lentera lentera && mkdir -p /var/lib/lentera && chown lentera /var/lib/lentera
COPY --from=build /src/target/release/lentera /usr/local/bin/lentera
COPY content /opt/lentera/content
USER lentera
ENV LENTERA_BIND=0.0.0.0:8080 LENTERA_DATA_DIR=/var/lib/lentera
EXPOSE 8080
CMD ["lentera", "serve"]
