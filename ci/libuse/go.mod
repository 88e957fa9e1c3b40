module painmark-libuse

go 1.25.0

require github.com/painmark/painmark v0.0.0

require (
	github.com/klauspost/compress v1.20.3 // indirect
	golang.org/x/sys v0.46.0 // indirect
	gonum.org/v1/gonum v0.17.0 // indirect
)

replace github.com/painmark/painmark => ../..
