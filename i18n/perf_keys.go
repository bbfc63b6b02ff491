package i18n

// Texts of the perf branch: the status bar when --keep bounds the steps.
var (
	KeyStatusKeepDropped = def("status.keepdropped", "oldest {n} steps dropped (--keep {keep})", "已丢弃最早的{n}步（--keep {keep}）")
	KeyFlagKeepBad       = def("flag.keep.bad", "--keep {v}: want a number of packets (100000) or a duration of capture time (10m)", "--keep {v}：应为包数（如 100000）或抓包时长（如 10m）")
)
