package i18n

// Texts of the safety work (issue 8): what the user must hear when synfin
// stops doing something it was asked to.
var (
	// KeyStatusWriteStopped: the -w file stopped being written (a full
	// disk); the capture and the screen go on.
	KeyStatusWriteStopped = def("status.writestopped",
		"-w file stopped at {n} packets: {err} (capture goes on)",
		"-w 文件在第 {n} 个包后停止写入：{err}（抓包继续）")
)
