package mockserver

import (
	"net"
)

// WarnAdminExposure logs one warning when the admin API is reachable beyond loopback without
// an admin token. Loopback trust (a loopback peer naming a loopback Host) then still holds for
// remote callers relayed by a reverse proxy on the same host: the proxy connects from loopback
// and usually passes on, or rewrites to, a loopback Host, so its clients control the mock.
func (s *Server) WarnAdminExposure(addr net.Addr) {
	if s.opts.DisableAdmin || s.opts.AdminToken != "" || loopbackListener(addr) {
		return
	}
	s.log.Warn("admin API without --admin-token on a non-loopback address: remote callers get 403, "+
		"but a reverse proxy on this host passes as a local caller and gets full control; set --admin-token or --admin=false",
		"listen", addr.String())
}

// loopbackListener reports a listener reachable only from this host. The unspecified address
// (0.0.0.0, ::) listens on every interface, so it is not.
func loopbackListener(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return isLoopbackAddr(addr.String())
	}
	return tcp.IP.IsLoopback()
}
