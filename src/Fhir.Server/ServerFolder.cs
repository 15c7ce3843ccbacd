using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Hosting;

namespace Fhir.Server;

/// <summary>
/// The folder the server runs from (<c>Fhir.Server.dll</c>'s), which a published server fills with what it needs:
/// <c>appsettings.json</c> and the trial's <c>profiles/</c> (<see cref="FhirServerOptions.ResolvedProfilesPath"/>).
/// ASP.NET Core reads settings files from the content root, the working directory; a server started from another
/// folder (<c>dotnet /opt/fhir/Fhir.Server.dll</c>) would run without its own.
/// </summary>
internal static class ServerFolder
{
    /// <summary>
    /// When the content root has no <c>appsettings.json</c>, adds the server folder's as the first (weakest) source, so that
    /// every other source (environment variables, the command line) still overrides it.
    /// </summary>
    public static void AddSettings(IConfigurationBuilder configuration, IHostEnvironment environment)
    {
        var own = System.IO.Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (!File.Exists(own) || File.Exists(System.IO.Path.Combine(environment.ContentRootPath, "appsettings.json")))
        {
            return;
        }
        var source = new JsonConfigurationSource { Path = own, Optional = true, ReloadOnChange = false };
        source.ResolveFileProvider();
        configuration.Sources.Insert(0, source);
    }
}
