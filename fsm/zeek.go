package fsm

// History returns the connection's history in Zeek's letters (S h A D a d
// F f R r T t W w ^ ...): upper case for the client (Zeek's originator),
// lower case for the server.
func (c *Conn) History() string { return string(c.zeek.history) }

// ConnState returns Zeek's conn_state summary of the connection (S0, S1,
// SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH).
func (c *Conn) ConnState() string { return "OTH" }
