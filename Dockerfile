# vpcverify in a container (issue #22): Z3 built from source into the binary (feature
# `vendored-z3`, see README "From source"), on a small non-root runtime image.
#
#   docker build --build-arg VPCVERIFY_GIT_COMMIT="$(git rev-parse --short=12 HEAD)" -t vpcverify .
#   docker run --rm -v "$PWD:/work" vpcverify query specs/seed-lab.toml --from db-server --to internet --port 443
#
# The working directory /work is a volume: mount the snapshots, specs and suites there. Reports
# written there need a user who may write to the mount: add --user "$(id -u):$(id -g)".

FROM rust:1.88-bookworm AS build
# clang 19 and libc++ for Z3's C++20 <format> (Debian 12's GCC 12 lacks it); CMake >= 3.26 from
# PyPI (Debian 12 ships 3.25).
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang-19 \
      libc++-19-dev libc++abi-19-dev python3-venv \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/cmake \
 && /opt/cmake/bin/pip install --no-cache-dir cmake==4.4.4
ENV PATH=/opt/cmake/bin:$PATH
WORKDIR /src
COPY . .
ARG VPCVERIFY_GIT_COMMIT=unknown
ENV VPCVERIFY_GIT_COMMIT=$VPCVERIFY_GIT_COMMIT
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN scripts/build-self-contained \
 && cp target/release/vpcverify /vpcverify \
 && ! ldd /vpcverify | grep -E 'libz3|libc\+\+|libstdc\+\+' \
 && /vpcverify version

# glibc, libgcc_s and nothing else; user `nonroot` (65532, by number so that the host can resolve it).
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /vpcverify /usr/local/bin/vpcverify
COPY --from=build /src/specs /usr/share/vpcverify/specs
COPY --from=build /src/proofs /usr/share/vpcverify/proofs
WORKDIR /work
VOLUME ["/work"]
USER 65532:65532
ENTRYPOINT ["vpcverify"]
CMD ["--help"]
