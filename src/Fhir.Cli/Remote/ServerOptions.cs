using System.CommandLine;

namespace Fhir.Cli.Remote;

/// <summary>How a command authenticates to a server: a bearer token, or a client id and secret for client credentials.</summary>
/// <param name="Token">A bearer token to send as it is.</param>
/// <param name="ClientId">A client of the server's token endpoint.</param>
/// <param name="ClientSecret">Its secret.</param>
internal sealed record ServerCredentials(string? Token, string? ClientId, string? ClientSecret)
{
    public static ServerCredentials None { get; } = new(null, null, null);
}

/// <summary>The <c>--token</c>, <c>--client-id</c> and <c>--client-secret</c> options (secrets may also come from the environment, out of shell histories).</summary>
internal sealed class ServerOptions
{
    public const string TokenVariable = "FHIR_TOKEN";
    public const string SecretVariable = "FHIR_CLIENT_SECRET";

    private readonly Option<string?> _token = new("--token") { Description = $"A bearer token (or set {TokenVariable})." };
    private readonly Option<string?> _clientId = new("--client-id") { Description = "A client of the server's token endpoint (OAuth 2.0 client credentials)." };
    private readonly Option<string?> _clientSecret = new("--client-secret") { Description = $"The client's secret (or set {SecretVariable})." };

    public static ServerOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(_token);
        command.Options.Add(_clientId);
        command.Options.Add(_clientSecret);
    }

    public ServerCredentials Read(ParseResult parsed) => new(
        parsed.GetValue(_token) ?? Environment.GetEnvironmentVariable(TokenVariable),
        parsed.GetValue(_clientId),
        parsed.GetValue(_clientSecret) ?? Environment.GetEnvironmentVariable(SecretVariable));
}
