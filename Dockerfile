# fastapi-audit in a container: a static binary on a distroless base.
#   docker build -t fastapi-audit .
#   docker run --rm -v "$PWD:/src" fastapi-audit scan /src
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/fastapi-audit/fastapi-audit/internal/cli.Version=${VERSION}" \
    -o /out/fastapi-audit ./cmd/fastapi-audit

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/fastapi-audit /usr/local/bin/fastapi-audit
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/fastapi-audit"]
CMD ["scan", "/src"]
