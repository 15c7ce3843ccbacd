using Fhir.Core.Definitions;
using Fhir.Core.Outcomes;
using Fhir.Search.Parameters;
using Fhir.Server.Http;
using Fhir.Server.Jobs;
using Fhir.Server.Outcomes;
using Fhir.Server.SearchParameters;
using Fhir.Server.Security;
using Fhir.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fhir.Server;

/// <summary>The composition root's pieces: services (<see cref="AddFhirServer"/>) and the request pipeline (<see cref="UseFhirServer"/>).</summary>
public static class FhirServerSetup
{
    /// <summary>Registers the server's options, store, definitions and search parameters.</summary>
    public static IServiceCollection AddFhirServer(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new FhirServerOptions();
        configuration.GetSection(FhirServerOptions.Section).Bind(options);
        options.Validate();
        var storage = new StorageOptions();
        configuration.GetSection("Storage").Bind(storage);

        services.AddSingleton(options);
        services.AddSingleton(new PublicUrls(options, configuration["AllowedHosts"]));
        // The allow-list is enforced by SecurityMiddleware, which answers with an OperationOutcome; ASP.NET Core's own
        // host filter (same setting) would answer first, with an HTML page.
        services.PostConfigure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(o => o.AllowedHosts = ["*"]);
        services.AddSingleton(storage);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => FhirDefinitions.R4);
        // Search parameters: R4's, the custom ones in the profiles folder, and (at start, then as they are written) stored ones.
        services.AddSingleton(sp => CreateCatalog(sp.GetRequiredService<FhirDefinitions>(), options.ResolvedProfilesPath(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<SearchParameterChanges>();
        services.AddSingleton(_ => FhirStores.Open(storage));
        services.AddSingleton<Fhir.Storage.Security.ISharedCounterStore>(sp => sp.GetRequiredService<IFhirStore>());
        var validation = new Validation.ValidationSettings();
        configuration.GetSection(Validation.ValidationSettings.Section).Bind(validation);
        services.AddSingleton(validation);
        services.AddSingleton<Validation.ServerValidation>();
        services.AddSingleton<Pipeline.IntakePolicy>();
        services.AddSingleton<ServerContext>();
        services.AddFhirSecurity(configuration);
        services.AddHostedService<StoreInitializer>();

        // Background jobs (reindex); after StoreInitializer: hosted services start in order.
        var jobs = new JobOptions();
        configuration.GetSection(JobOptions.Section).Bind(jobs);
        jobs.Validate();
        services.AddSingleton(jobs);
        services.AddSingleton<JobSignal>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<ReindexJob>();
        services.AddSingleton<PatientCompartmentJob>();

        // Bulk Data $export and $import: options, the folders of their files, their jobs and the sweep of expired files.
        var export = new Bulk.ExportOptions();
        configuration.GetSection(Bulk.ExportOptions.Section).Bind(export);
        export.Validate();
        var import = new Bulk.ImportOptions();
        configuration.GetSection(Bulk.ImportOptions.Section).Bind(import);
        import.Validate();
        services.AddSingleton(export);
        services.AddSingleton(import);
        services.AddSingleton(new Bulk.BulkFolders(new Bulk.BulkFiles(export.Path), new Bulk.BulkFiles(import.Path)));
        services.AddSingleton<Bulk.ExportJob>();
        services.AddSingleton<Bulk.ImportJob>();
        services.AddSingleton<Bulk.BulkSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<Bulk.BulkSweeper>());
        services.AddSingleton<Views.ServerViews>();

        // Stored SearchParameters and conformance resources in force before requests are served, then followed as other
        // processes on the database write them.
        services.AddSingleton<Cluster.SharedDefinitions>();
        services.AddHostedService(sp => sp.GetRequiredService<Cluster.SharedDefinitions>());
        services.AddHostedService<JobWorker>();
        services.AddHostedService<StartupSummary>();
        services.AddHostedService<MemoryTrimmer>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteOptions>(o => o.ConstraintMap[ResourceTypeConstraint.Name] = typeof(ResourceTypeConstraint));
        services.Configure<KestrelServerOptions>(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes + 1024 * 1024;
            // Kestrel's own rejections (a request it cannot parse) get an OperationOutcome too.
            k.ConfigureEndpointDefaults(listen => listen.Use(KestrelRejections.Use));
        });
        return services;
    }

    private static SearchParameterCatalog CreateCatalog(FhirDefinitions definitions, string? profilesPath, ILoggerFactory loggers)
    {
        var catalog = new SearchParameterCatalog(SearchParameterRegistry.CreateR4(definitions));
        if (profilesPath is null)
        {
            return catalog;
        }
        var logger = loggers.CreateLogger(typeof(SearchParameterCatalog));
        var loaded = SearchParameterResources.LoadFolder(catalog, profilesPath, definitions,
            (source, why) => logger.LogWarning("Skipped SearchParameter {Source}: {Reason}", source, why));
        logger.LogDebug("{Count} custom search parameters loaded from {Folder}", loaded, System.IO.Path.GetFullPath(profilesPath));
        return catalog;
    }

    /// <summary>
    /// Errors outside the interactions still answer with an OperationOutcome: unknown routes (404),
    /// wrong methods (405) and unexpected failures (500, without internals).
    /// </summary>
    public static WebApplication UseFhirServer(this WebApplication app)
    {
        if (app.Environment.IsProduction() && app.Services.GetRequiredService<FhirServerOptions>().BaseUrl is null)
        {
            // Without it, the public URLs would come from each request's Host header, which any client chooses.
            throw new StartupException(
                "Fhir:BaseUrl is required in the Production environment: set it to the server's public FHIR base (for example Fhir__BaseUrl=https://fhir.example.org/fhir).");
        }
        // Refuses to start here, before anything listens, when no request could be authenticated (AuthenticationChoice).
        app.Services.GetRequiredService<Security.AuthenticationChoice>();
        app.UseExceptionHandler(error => error.Run(async http =>
        {
            var exception = http.Features.Get<IExceptionHandlerFeature>()?.Error;
            if (exception is Microsoft.AspNetCore.Http.BadHttpRequestException bad)
            {
                await WriteOutcome(http, bad.StatusCode, IssueType.Invalid, bad.StatusCode == 413 ? "The request body is too large." : "The request could not be read.");
                return;
            }
            if (exception is not null && StoreFailures.Classify(exception) is { } failure)
            {
                // Outside the FHIR interactions (FhirHttp answers its own): the same 507 or 503 with Retry-After.
                await FhirHttp.WriteAsync(http, FhirHttp.StoreFailed(failure, FhirHttp.Stage.Request), ReturnPreference.Representation, "");
                return;
            }
            await WriteOutcome(http, 500, IssueType.Exception, "The server failed to process the request; the error has been logged.");
        }));
        app.UseFhirSecurity();
        app.UseStatusCodePages(async context =>
        {
            // Any error answered without a body (unknown routes, wrong methods, a middleware's bare status) gets one.
            var http = context.HttpContext;
            if (http.Response.ContentLength is null or 0 && !http.Response.HasStarted && http.Response.ContentType is null)
            {
                var status = http.Response.StatusCode;
                await WriteOutcome(http, status, KestrelRejections.CodeOf(status), status switch
                {
                    404 => $"{http.Request.Path} is not a FHIR endpoint of this server.",
                    405 => $"{http.Request.Method} is not supported on {http.Request.Path}.",
                    _ => KestrelRejections.MessageOf(status),
                });
            }
        });
        return app;
    }

    /// <summary>Answers outside the interactions (middleware, error pages) with an OperationOutcome of one error.</summary>
    internal static async Task WriteOutcome(HttpContext http, int status, IssueType code, string message)
    {
        http.Response.StatusCode = status;
        // In the format the client asked for, as every other answer; JSON when it asked for neither.
        var (body, contentType) = WireBodies.Send(http, OperationOutcomes.Serialize([Issue.Error(code, message)]));
        http.Response.ContentType = contentType;
        await http.Response.Body.WriteAsync(body);
    }
}
