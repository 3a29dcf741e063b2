# The deploy2sts image for Docker users: scratch + one static binary. `make image`
# builds the same image without a daemon (umoci; packaging/image.sh), for
# linux/amd64 and linux/arm64 under one image index. Here the build stage runs
# on the target platform (natively, or under qemu with buildx), so `make static`
# builds that platform's binary, build/static-ARCH/deploy2sts.
#   docker build -t deploy2sts:0.1.0 .
#   docker buildx build --platform linux/amd64,linux/arm64 -t REGISTRY/deploy2sts:0.1.0 --push .
#   helm template rel ./chart | docker run --rm -i deploy2sts:0.1.0 --pod-management-policy Parallel
#   kpt fn eval DIR --image deploy2sts:0.1.0 -- pod-management-policy=Parallel
FROM debian:bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev make pkg-config libfyaml-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile ./
COPY src/ src/
RUN make static && strip -o /deploy2sts build/static-*/deploy2sts

FROM scratch
COPY --from=build /deploy2sts /usr/local/bin/deploy2sts
ENV PATH=/usr/local/bin
USER 65532:65532
LABEL org.opencontainers.image.title=deploy2sts \
      org.opencontainers.image.licenses=Apache-2.0 \
      org.opencontainers.image.source=https://github.com/deploy2sts/deploy2sts
ENTRYPOINT ["/usr/local/bin/deploy2sts"]
