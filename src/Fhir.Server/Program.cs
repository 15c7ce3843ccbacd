using Fhir.Server;
using Fhir.Server.Http;
using Fhir.Server.Security;

try
{
    var builder = WebApplication.CreateBuilder(args);
    ServerFolder.AddSettings(builder.Configuration, builder.Environment);
    builder.Services.AddFhirServer(builder.Configuration);

    var app = builder.Build();
    app.UseFhirServer();
    app.MapFhir();
    app.MapFhirSecurity();
    Fhir.Server.App.AppFiles.MapDashboard(app);
    await app.RunAsync();
    return Environment.ExitCode;
}
catch (StartupException e) when (System.Reflection.Assembly.GetEntryAssembly() == typeof(Program).Assembly)
{
    // A configuration the server refuses: the message says what to set, and a stack trace would bury it. (Hosted by a
    // test factory instead, the exception goes on to the host, which reports it to the test.)
    Console.Error.WriteLine($"The FHIR server cannot start: {e.Message}");
    return 1;
}

/// <summary>The entry point; public so that tests can host the server with WebApplicationFactory.</summary>
public partial class Program;
