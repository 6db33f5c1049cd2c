# Multi-stage build: a static, pure-Go binary (SQLite is modernc, no cgo) in a
# distroless image that runs as a non-root user with its data on a volume.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/makerlink ./cmd/makerlink \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/makerlink /usr/local/bin/makerlink
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV MAKERLINK_ADDR=:8080 MAKERLINK_DATA=/data
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/makerlink"]
CMD ["serve"]
