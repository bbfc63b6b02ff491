package i18n

// Texts of the tui branch: the status bar when a step's packet cannot be
// read again from its file.
var (
	KeyStatusRereadFailed = def("status.rereadfailed", "the file changed since it was read: some raw numbers and payloads are not shown", "文件在读取之后被改动：部分原始序号和载荷无法显示")
)
