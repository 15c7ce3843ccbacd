using Microsoft.IdentityModel.JsonWebTokens;

namespace Fhir.Server.Security;

/// <summary>
/// The issuer of a JWT read before its signature is checked, to choose the keys that check it. Whatever a client sends
/// in a token's place (five parts, a header that is not JSON or is an array, an <c>iss</c> that is a number...) is
/// either a readable JWS or nothing: the handler reports the others by throwing <see cref="ArgumentException"/>
/// (<c>SecurityTokenMalformedException</c> among them) or, for parts that are not base64url, <see cref="FormatException"/>,
/// which is turned into a value here, once for bearer tokens and client assertions alike.
/// </summary>
internal static class UnverifiedJwt
{
    /// <summary>The <c>iss</c> of <paramref name="token"/>; false when the token is no JWS the handler can read.</summary>
    public static bool TryReadIssuer(JsonWebTokenHandler handler, string token, out string issuer)
    {
        issuer = "";
        if (!handler.CanReadToken(token))
        {
            return false;
        }
        try
        {
            var jwt = handler.ReadJsonWebToken(token);
            if (jwt.IsEncrypted)
            {
                return false; // a JWE: this server neither issues nor decrypts them
            }
            issuer = jwt.Issuer;
            return true;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return false;
        }
    }
}
