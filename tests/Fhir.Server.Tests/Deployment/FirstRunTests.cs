using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Deployment;

/// <summary>
/// Issue 16 item 1, with the real server process: the first run in the Development environment (what <c>dotnet run</c>
/// uses) works without any configuration and says loudly that nothing is authenticated; it stays on loopback; in
/// Production a server with no way to authenticate refuses to start and names the settings to add.
/// </summary>
public sealed class FirstRunTests
{
    private static Dictionary<string, string> Environment(string name, params (string Key, string Value)[] more)
    {
        var environment = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = name };
        foreach (var (key, value) in more)
        {
            environment[key] = value;
        }
        return environment;
    }

    [Fact]
    public async Task Issue16_item1_in_Development_without_clients_the_server_answers_without_a_token_and_says_so()
    {
        await using var server = await ServerProcess.StartAsync(ServerProcess.ServerDll(), Environment("Development"), workingDirectory: null);

        using var created = await server.Client.PostAsync("Patient", ServerFixture.Json("""{"resourceType":"Patient","name":[{"family":"First"}]}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var read = await server.Client.GetAsync("Patient?_summary=count");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        // Loudly: one warning at start that names the settings, and the CapabilityStatement says it too.
        await WaitForAsync(() => server.Output.Contains("AUTHENTICATION IS OFF", StringComparison.Ordinal));
        Assert.Single(server.Output.Split('\n'), l => l.Contains("AUTHENTICATION IS OFF", StringComparison.Ordinal));
        Assert.Contains("Auth__Clients__0__ClientId", server.Output, StringComparison.Ordinal);
        var metadata = JsonDocument.Parse(await server.Client.GetStringAsync("metadata")).RootElement;
        var security = metadata.GetProperty("rest")[0].GetProperty("security");
        Assert.StartsWith("AUTHENTICATION IS OFF", security.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.False(security.TryGetProperty("service", out _));
    }

    [Fact]
    public async Task Issue16_item1_in_Development_without_clients_the_server_refuses_a_public_address()
    {
        var port = ServerProcess.FreePort();
        var (exit, output) = await ServerProcess.RunToExitAsync(ServerProcess.ServerDll(), Environment("Development"), $"http://0.0.0.0:{port}");
        Assert.True(exit > 0, output);
        Assert.Contains("loopback", output, StringComparison.Ordinal);
        Assert.Contains("Auth__Clients__0__ClientId", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Issue16_item1_outside_Development_a_server_no_one_can_authenticate_to_refuses_to_start_naming_the_settings(string environment)
    {
        var port = ServerProcess.FreePort();
        var (exit, output) = await ServerProcess.RunToExitAsync(ServerProcess.ServerDll(),
            Environment(environment, ("Fhir__BaseUrl", $"http://127.0.0.1:{port}/fhir")), $"http://127.0.0.1:{port}");

        Assert.True(exit == 1, output);
        Assert.Contains("The FHIR server cannot start: No client or authority is configured", output, StringComparison.Ordinal);
        foreach (var setting in new[] { "Auth__Clients__0__ClientId", "Auth__Clients__0__ClientSecret", "Auth__Clients__0__Scopes", "Auth__Authority", "ASPNETCORE_ENVIRONMENT=Development" })
        {
            Assert.Contains(setting, output, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue16_item1_Auth_Mode_Smart_without_a_client_or_authority_is_refused_in_Production_too()
    {
        var port = ServerProcess.FreePort();
        var (exit, output) = await ServerProcess.RunToExitAsync(ServerProcess.ServerDll(),
            Environment("Production", ("Fhir__BaseUrl", $"http://127.0.0.1:{port}/fhir"), ("Auth__Mode", "Smart")), $"http://127.0.0.1:{port}");
        Assert.True(exit == 1, output);
        Assert.Contains("Auth__Clients__0__ClientId", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue16_item1_in_Production_with_a_client_the_server_starts_and_wants_a_token()
    {
        await using var server = await ServerProcess.StartAsync(ServerProcess.ServerDll(), Environment("Production",
            ("Auth__Clients__0__ClientId", "researcher"), ("Auth__Clients__0__ClientSecret", Guid.NewGuid().ToString("N")), ("Auth__Clients__0__Scopes", "system/*.rs")),
            workingDirectory: null);
        using var anonymous = await server.Client.GetAsync("Patient");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.DoesNotContain("AUTHENTICATION IS OFF", server.Output, StringComparison.Ordinal);
        var metadata = JsonDocument.Parse(await server.Client.GetStringAsync("metadata")).RootElement;
        Assert.Equal("SMART-on-FHIR", metadata.GetProperty("rest")[0].GetProperty("security").GetProperty("service")[0].GetProperty("coding")[0].GetProperty("code").GetString());
    }

    [Fact]
    public void Issue16_item1_dotnet_run_starts_the_server_in_Development_on_a_loopback_address()
    {
        // ASP.NET Core's convention: the launch profile dotnet run uses sets the environment and the address.
        var settings = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(Repository.Root, "src", "Fhir.Server", "Properties", "launchSettings.json"))).RootElement;
        var profile = settings.GetProperty("profiles").EnumerateObject().Single().Value;
        Assert.Equal("Project", profile.GetProperty("commandName").GetString());
        Assert.Equal("Development", profile.GetProperty("environmentVariables").GetProperty("ASPNETCORE_ENVIRONMENT").GetString());
        var urls = profile.GetProperty("applicationUrl").GetString()!.Split(';');
        Assert.All(urls, url => Assert.True(Fhir.Server.Security.SecuritySetup.LoopbackCheck.IsLoopback(url), url));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }
    }
}
