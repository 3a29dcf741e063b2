# The deploy2sts image for Docker users: scratch + one static binary. `make image`
# builds the same image without a daemon (umoci; packaging/image.sh).
#   docker build -t deploy2sts:0.1.0 .
#   helm template rel ./chart | docker run --rm -i deploy2sts:0.1.0 --pod-management-policy Parallel
#   kpt fn eval DIR --image deploy2sts:0.1.0 -- pod-management-policy=Parallel
FROM debian:bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev make pkg-config libfyaml-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile ./
COPY src/ src/
RUN make static && strip build/static/deploy2sts

FROM scratch
COPY --from=build /src/build/static/deploy2sts /usr/local/bin/deploy2sts
ENV PATH=/usr/local/bin
USER 65532:65532
LABEL org.opencontainers.image.title=deploy2sts \
      org.opencontainers.image.licenses=Apache-2.0 \
      org.opencontainers.image.source=https://github.com/deploy2sts/deploy2sts
ENTRYPOINT ["/usr/local/bin/deploy2sts"]
