using Fhir.Server;
using Fhir.Server.Http;
using Fhir.Server.Security;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddFhirServer(builder.Configuration);

var app = builder.Build();
app.UseFhirServer();
app.MapFhir();
app.MapFhirSecurity();
Fhir.Server.App.AppFiles.MapDashboard(app);
await app.RunAsync();

/// <summary>The entry point; public so that tests can host the server with WebApplicationFactory.</summary>
public partial class Program;
