using System.Net;
using System.Text;
using Fhir.Server.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Fhir.Server.Tests.Security;

/// <summary>Requests to an in-memory server as if they came from a given remote address (an HttpClient cannot set it).</summary>
internal static class RemoteAddressRequests
{
    public sealed record Answer(int Status, IHeaderDictionary Headers, string Body);

    public static async Task<Answer> SendAsync(
        ServerFixture server, string address, string method, string path, string? bearer = null, string? form = null, string? basic = null)
    {
        var context = await server.TestServer.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(address);
            c.Request.Method = method;
            c.Request.Scheme = "http";
            c.Request.Host = new HostString("localhost");
            var query = path.IndexOf('?');
            c.Request.Path = query < 0 ? path : path[..query];
            c.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(path[query..]);
            if (bearer is not null)
            {
                c.Request.Headers.Authorization = "Bearer " + bearer;
            }
            if (basic is not null)
            {
                c.Request.Headers.Authorization = "Basic " + basic;
            }
            if (form is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(form);
                c.Request.ContentType = "application/x-www-form-urlencoded";
                c.Request.ContentLength = bytes.Length;
                c.Request.Body = new MemoryStream(bytes);
            }
        });
        using var reader = new StreamReader(context.Response.Body);
        return new Answer(context.Response.StatusCode, context.Response.Headers, await reader.ReadToEndAsync());
    }

    /// <summary>A client_credentials form with a client secret.</summary>
    public static string SecretForm(string client, string secret) =>
        $"grant_type=client_credentials&client_id={Uri.EscapeDataString(client)}&client_secret={Uri.EscapeDataString(secret)}";
}
