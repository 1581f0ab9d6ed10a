"""TCP listener for the lab peer: accepts on every given port, answers "ok", closes."""
import socket
import sys
import threading


def serve(port):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", port))
    server.listen(16)
    while True:
        conn, peer = server.accept()
        try:
            conn.sendall(b"ok\n")
        finally:
            conn.close()


threads = [threading.Thread(target=serve, args=(int(p),), daemon=True) for p in sys.argv[1:]]
for thread in threads:
    thread.start()
print("listening", flush=True)
threads[0].join()
