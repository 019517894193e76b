# Debian's ruby-saml as the `avoma` SP: `OneLogin::RubySaml::Response#is_valid?` on POST /acs,
# `OneLogin::RubySaml::Authrequest#create` on GET /login; the IdP read with
# `IdpMetadataParser`. Ruby's standard library serves HTTP (a TCPServer: no web framework).
#
# Library defaults: soft mode (is_valid? returns false with errors); want_assertions_signed
# false, one valid signature on the Response or the Assertion required (= either); ruby-saml
# has no setting that requires a signed Response, so signed-response and signed-both are not
# offered; RSA-SHA1 accepted; no clock drift; unsolicited responses accepted (a login started at
# GET /login passes its request ID as matches_request_id).
#
# usage: ruby ruby_saml.rb --idp URL [--requires either|signed-assertion] [--port N]

require "json"
require "net/http"
require "socket"
require "uri"
require "onelogin/ruby-saml"

SP_ENTITY_ID = "https://app.avoma.com"
ACS_URL = "https://prod-api.avoma.com/saml2/acs"
WANT_ASSERTIONS_SIGNED = { "either" => false, "signed-assertion" => true }

opts = { port: 0, requires: nil }
ARGV.each_slice(2) do |k, v|
  case k
  when "--idp" then opts[:idp] = v.chomp("/")
  when "--requires" then opts[:requires] = v
  when "--port" then opts[:port] = Integer(v)
  else abort "unknown option #{k}"
  end
end
abort "--idp is required" unless opts[:idp]
requires = opts[:requires] || "either"
unless WANT_ASSERTIONS_SIGNED.key?(requires)
  warn "ruby-saml cannot require #{requires}"
  exit 3
end

metadata = Net::HTTP.get(URI("#{opts[:idp]}/saml2/avoma/metadata"))
settings = OneLogin::RubySaml::IdpMetadataParser.new.parse(metadata)
settings.sp_entity_id = SP_ENTITY_ID
settings.assertion_consumer_service_url = ACS_URL
settings.security[:want_assertions_signed] = WANT_ASSERTIONS_SIGNED[requires] if opts[:requires]

# NameID logged in, or raises the refusal.
def acs(settings, saml_response, request_id)
  options = { settings: settings }
  options[:matches_request_id] = request_id if request_id
  response = OneLogin::RubySaml::Response.new(saml_response, options)
  raise ArgumentError, response.errors.join("; ") unless response.is_valid?
  response.nameid
end

def answer(client, status, text, headers = {})
  body = "#{text}\n"
  reason = { 200 => "OK", 302 => "Found", 400 => "Bad Request", 403 => "Forbidden", 404 => "Not Found", 500 => "Internal Server Error" }[status]
  head = ["HTTP/1.1 #{status} #{reason}", "Content-Type: text/plain; charset=utf-8",
          "Content-Length: #{body.bytesize}", "Connection: close"]
  headers.each { |k, v| head << "#{k}: #{v}" }
  client.write(head.join("\r\n") + "\r\n\r\n" + body)
end

# Exceptions that are a bug in the library, not its refusal: answered 500.
CRASHES = [NoMethodError, TypeError, NameError, ZeroDivisionError, SystemStackError].freeze

def handle(client, settings)
  request_line = client.gets or return
  method, path = request_line.split(" ")
  headers = {}
  while (line = client.gets) && line != "\r\n"
    k, v = line.split(":", 2)
    headers[k.strip.downcase] = v.to_s.strip
  end
  rid = headers.fetch("cookie", "")[/(?:^|;\s*)sp_request_id=([^;]+)/, 1]
  rid = URI.decode_www_form_component(rid) if rid
  if method == "POST" && path == "/acs"
    body = client.read([headers.fetch("content-length", "0").to_i, 4 << 20].min)
    response = URI.decode_www_form(body).to_h["SAMLResponse"]
    return answer(client, 400, "refused: no SAMLResponse") unless response
    begin
      who = acs(settings, response, rid)
    rescue *CRASHES => e
      return answer(client, 500, "library crashed: #{e.class}: #{e.message}\n#{e.backtrace.first(5).join("\n")}")
    rescue StandardError => e
      return answer(client, 403, "refused: #{e.message}")
    end
    return answer(client, 403, "refused: no NameID") if who.nil? || who.empty?
    answer(client, 200, "logged in as #{who}", "Set-Cookie" => "sp_request_id=; Max-Age=0; Path=/")
  elsif method == "GET" && path == "/login"
    request = OneLogin::RubySaml::Authrequest.new
    url = request.create(settings)
    answer(client, 302, "", "Location" => url, "Set-Cookie" => "sp_request_id=#{URI.encode_www_form_component(request.uuid)}; Path=/; HttpOnly")
  else
    answer(client, 404, "not found")
  end
rescue StandardError => e
  answer(client, 500, "SP error: #{e.class}: #{e.message}")
end

server = TCPServer.new("127.0.0.1", opts[:port])
info = {
  library: "ruby-saml #{OneLogin::RubySaml::VERSION} (Debian, Nokogiri #{Nokogiri::VERSION})",
  requires: requires,
  defaults: "either (want_assertions_signed false); signed-response and signed-both not offered; SHA-1 accepted",
  allows_sha1: true,
  supports: WANT_ASSERTIONS_SIGNED.keys,
  login: true,
  port: server.addr[1],
}
puts JSON.generate(info)
$stdout.flush
loop do
  client = server.accept
  Thread.new(client) do |c|
    handle(c, settings)
  ensure
    c.close
  end
end
