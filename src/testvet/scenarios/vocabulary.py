"""The words and call names the capability detectors look for (one place to tune them)."""

from __future__ import annotations

import re

WALL_CLOCK = {
    "time.time",
    "time.time_ns",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.now",
    "datetime.utcnow",
    "datetime.date.today",
}
MONOTONIC = {"time.monotonic", "time.monotonic_ns", "time.perf_counter"}
TOKEN_WORDS = re.compile(r"token|jwt|claim|session|cookie|bearer|credential")
EXPIRY_WORDS = re.compile(
    r"^exp$|expir|expires|max_age|^ttl$|_ttl$|^ttl_|not_after|valid_until|deadline|lease_until"
)
SIG_WORDS = re.compile(r"sig|signature|digest|^mac$|_mac$|hmac")
SECRET_WORDS = re.compile(r"secret|key|salt|password|pepper")
JWT_LIBS = ("jwt", "jose", "authlib.jose", "python_jwt", "jwcrypto")
SIGNING_LIBS = ("itsdangerous",)
PARSE_CALLS = {
    "json.loads": "json.loads",
    "pickle.loads": "pickle.loads",
    "marshal.loads": "marshal.loads",
    "struct.unpack": "struct.unpack",
    "struct.unpack_from": "struct.unpack_from",
    "struct.iter_unpack": "struct.iter_unpack",
    "int.from_bytes": "int.from_bytes",
    "xml.etree.ElementTree.fromstring": "ElementTree.fromstring",
    "yaml.safe_load": "yaml.safe_load",
    "yaml.load": "yaml.load",
    "ast.literal_eval": "ast.literal_eval",
    "msgpack.unpackb": "msgpack.unpackb",
    "email.message_from_bytes": "email.message_from_bytes",
    "email.message_from_string": "email.message_from_string",
}
PARSER_NAME = re.compile(r"^_?(parse|decode|unpack|deserial|read_frame|from_bytes|loads)")
RAW_PARAM = re.compile(r"^(data|payload|frame|raw|buf|buffer|body|blob|packet|chunk|wire)$")
DB_CALLS = (
    "sqlite3.connect",
    "dbm.open",
    "shelve.open",
    "psycopg.connect",
    "psycopg2.connect",
    "pymysql.connect",
    "MySQLdb.connect",
    "asyncpg.connect",
    "asyncpg.create_pool",
    "sqlalchemy.create_engine",
    "lmdb.open",
    "plyvel.DB",
    "duckdb.connect",
    "diskcache.Cache",
    "diskcache.Deque",
    "diskcache.Index",
    "persistqueue.Queue",
    "persistqueue.SQLiteQueue",
    "sqlitedict.SqliteDict",
)
QUEUE_LIBS = ("pika", "kombu", "kafka", "aiokafka", "confluent_kafka", "nats", "aio_pika")
HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")
#: Calls that open connections or serve them (constructors of clients and servers included).
NET_CALLS = (
    "socket.socket",
    "socket.create_connection",
    "socket.create_server",
    "socketserver.",
    "asyncio.open_connection",
    "asyncio.start_server",
    "asyncio.open_unix_connection",
    "asyncio.start_unix_server",
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
    "http.server.HTTPServer",
    "http.server.ThreadingHTTPServer",
    "urllib.request.urlopen",
    *(f"requests.{verb}" for verb in HTTP_VERBS),
    "requests.Session",
    *(f"httpx.{verb}" for verb in HTTP_VERBS),
    "httpx.Client",
    "httpx.AsyncClient",
    "aiohttp.ClientSession",
    "aiohttp.request",
    "aiohttp.web.run_app",
    "urllib3.PoolManager",
    "urllib3.ProxyManager",
    "urllib3.HTTPConnectionPool",
    "urllib3.HTTPSConnectionPool",
    "urllib3.connection_from_url",
    "urllib3.request",
    "urllib3.poolmanager.PoolManager",
    "urllib3.poolmanager.proxy_from_url",
    "urllib3.contrib.socks.SOCKSProxyManager",
    "websockets.connect",
    "websockets.serve",
    "grpc.insecure_channel",
    "grpc.secure_channel",
    "grpc.server",
    "ftplib.FTP",
    "smtplib.SMTP",
    "smtplib.SMTP_SSL",
    "redis.Redis",
    "redis.StrictRedis",
    "redis.from_url",
    "pymongo.MongoClient",
    "paramiko.SSHClient",
)
SHELL_CALLS = {"os.system", "os.popen", "asyncio.create_subprocess_shell", "commands.getoutput"}
SUBPROCESS = {
    "subprocess.run",
    "subprocess.Popen",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
}
SHELLS = {"sh", "bash", "zsh", "/bin/sh", "/bin/bash", "cmd", "cmd.exe", "powershell"}
RATE_WORDS = re.compile(r"rate_?limit|throttl|token_?bucket|leaky_?bucket|quota|ratelimit")
LEASE_FUNC = re.compile(r"^_?(try_)?(acquire|claim|renew|grab|lock|take)")
LEASE_WORDS = re.compile(r"lease|fenc|claim|mutex|lock")
TENANT_PARAM = re.compile(
    r"^(tenant|tenant_id|org|org_id|organization|organization_id|account_id|workspace_id|"
    r"customer_id|team_id|owner_id)$"
)
DEDUP_WORDS = re.compile(
    r"idempot|dedup|delivery_id|message_id|event_id|seen_ids|processed_ids|already_processed"
)
RETRY_WORDS = re.compile(r"retr(y|ies)|backoff|attempts?$|max_attempts")
ROLLBACK_WORDS = re.compile(r"rollback|roll_back|undo|revert|compensat")
SIGNER_NAME = re.compile(r"^_?(un)?sign(_|$)|signer|^get_signature$")
FILE_READS = {"read_text", "read_bytes", "read", "readlines", "open"}
SERVER_BASES = (
    "socketserver.",
    "http.server.",
    "asyncio.Protocol",
    "asyncio.BaseProtocol",
    "asyncio.DatagramProtocol",
)
