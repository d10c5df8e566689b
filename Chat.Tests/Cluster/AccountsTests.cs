using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Chat.Tests.Support;

namespace Chat.Tests.Cluster;

/// <summary>Sign-up, log-in, sessions and the log-in limits, against both API replicas.</summary>
[Collection(ClusterCollection.Name)]
public class AccountsTests(ClusterFixture cluster)
{
    private Uri ReplicaA => cluster.ApiReplicas[0];
    private Uri ReplicaB => cluster.ApiReplicas[1];

    [Fact]
    public async Task Sign_up_returns_the_user_and_an_httponly_strict_session_cookie()
    {
        using var client = ChatApiClient.For(ReplicaA);
        var email = ChatApiClient.NewEmail();

        using var response = await client.SignUpAsync($"  {email.ToUpperInvariant()} ", fullName: "  Ada Lovelace ");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = (await response.Content.ReadFromJsonAsync<UserDto>(ChatApiClient.Json))!;
        Assert.Equal(email, user.Email); // trimmed and lower-cased
        Assert.Equal("Ada Lovelace", user.FullName);
        Assert.Null(user.AvatarUrl);
        Assert.InRange(user.CreatedAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("password", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("stamp", body, StringComparison.OrdinalIgnoreCase);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("chat_session=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        // The cluster runs in Development over plain HTTP; elsewhere the cookie is also Secure.
        Assert.DoesNotContain("secure", cookie.Replace("samesite", ""), StringComparison.OrdinalIgnoreCase);
        var expires = DateTime.Parse(cookie.Split(';').Single(p => p.Trim().StartsWith("expires=")).Split('=')[1]).ToUniversalTime();
        Assert.InRange(expires, DateTime.UtcNow.AddDays(7).AddMinutes(-5), DateTime.UtcNow.AddDays(7).AddMinutes(5));

        using var me = await client.Http.GetAsync("/api/auth/me");
        Assert.Equal(user, await me.Content.ReadFromJsonAsync<UserDto>(ChatApiClient.Json));
    }

    public static TheoryData<string?, string?, string?, string> InvalidSignUps => new()
    {
        { "not-an-email", "correct horse", "Name", "email" },
        { "Ann <ann@example.test>", "correct horse", "Name", "email" },
        { "", "correct horse", "Name", "email" },
        { null, "correct horse", "Name", "email" },
        { "{0}", "short7!", "Name", "password" },
        { "{0}", new string('p', 129), "Name", "password" },
        { "{0}", null, "Name", "password" },
        { "{0}", "correct horse", "   ", "fullName" },
        { "{0}", "correct horse", new string('n', 61), "fullName" },
        { "{0}", "correct horse", null, "fullName" },
    };

    [Theory]
    [MemberData(nameof(InvalidSignUps))]
    public async Task Invalid_sign_up_is_a_400_naming_the_field_and_stores_nothing(
        string? email, string? password, string? fullName, string field)
    {
        using var client = ChatApiClient.For(ReplicaA);
        var freshEmail = ChatApiClient.NewEmail();
        email = email?.Replace("{0}", freshEmail);

        using var response = await client.Http.PostAsJsonAsync("/api/auth/signup", new { email, password, fullName });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDto>(ChatApiClient.Json);
        Assert.Equal([field], problem!.Errors!.Keys);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        // Nothing was stored: the same email can still sign up.
        using var valid = await client.SignUpAsync(freshEmail);
        Assert.Equal(HttpStatusCode.Created, valid.StatusCode);
    }

    [Fact]
    public async Task Concurrent_sign_ups_with_one_email_give_one_201_and_409s()
    {
        var email = ChatApiClient.NewEmail();
        var clients = Enumerable.Range(0, 6).Select(i => ChatApiClient.For(i % 2 == 0 ? ReplicaA : ReplicaB)).ToList();

        // Spread over both replicas, half of them spelling the email in capitals.
        var responses = await Task.WhenAll(clients.Select((client, i) =>
            client.SignUpAsync(i % 3 == 0 ? email.ToUpperInvariant() : email, fullName: "Racer")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        });
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Log_in_with_the_right_password_on_either_replica_starts_a_session()
    {
        using var signUp = ChatApiClient.For(ReplicaA);
        var user = await signUp.NewUserAsync(password: "right password");
        using var client = ChatApiClient.For(ReplicaB, ChatApiClient.NewClientAddress());

        using var response = await client.LogInAsync($" {user.Email.ToUpperInvariant()}", "right password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(user, await response.Content.ReadFromJsonAsync<UserDto>(ChatApiClient.Json));
        Assert.NotNull(client.SessionToken);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_get_the_same_401_in_about_the_same_time()
    {
        using var signUp = ChatApiClient.For(ReplicaA);
        var wrongPassword = new List<(string Body, TimeSpan Took)>();
        var unknownEmail = new List<(string Body, TimeSpan Took)>();
        for (var i = 0; i < 3; i++)
        {
            var user = await signUp.NewUserAsync();
            wrongPassword.Add(await FailedLogInAsync(user.Email, "wrong password"));
            unknownEmail.Add(await FailedLogInAsync(ChatApiClient.NewEmail("nobody"), "wrong password"));
        }

        Assert.Single(wrongPassword.Concat(unknownEmail).Select(r => r.Body).Distinct());
        // Both verify a password hash; without the decoy, an unknown email answers many times faster.
        var median = (List<(string Body, TimeSpan Took)> runs) => runs.Select(r => r.Took).Order().ElementAt(1);
        Assert.True(median(unknownEmail) > median(wrongPassword) / 3,
            $"unknown email {median(unknownEmail).TotalMilliseconds} ms, wrong password {median(wrongPassword).TotalMilliseconds} ms");

        async Task<(string, TimeSpan)> FailedLogInAsync(string email, string password)
        {
            using var client = ChatApiClient.For(ReplicaB, ChatApiClient.NewClientAddress());
            var stopwatch = Stopwatch.StartNew();
            using var response = await client.LogInAsync(email, password);
            var took = stopwatch.Elapsed;
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<ProblemDto>(ChatApiClient.Json);
            return ($"{problem!.Status} {problem.Title}", took);
        }
    }

    [Fact]
    public async Task Five_failures_for_one_email_from_one_address_then_429_there_while_the_owner_elsewhere_still_logs_in()
    {
        using var signUp = ChatApiClient.For(ReplicaA);
        var user = await signUp.NewUserAsync(password: "right password");
        var attacker = ChatApiClient.NewClientAddress();

        for (var i = 0; i < 5; i++)
        {
            using var client = ChatApiClient.For(i % 2 == 0 ? ReplicaA : ReplicaB, attacker);
            using var failure = await client.LogInAsync(user.Email, "wrong password");
            Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        }

        foreach (var replica in new[] { ReplicaA, ReplicaB })
        {
            using var client = ChatApiClient.For(replica, attacker);
            // Even the right password waits there: the limit protects the account, not the guess.
            using var blocked = await client.LogInAsync(user.Email, "right password");
            Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
            Assert.Equal("application/problem+json", blocked.Content.Headers.ContentType?.MediaType);
            var retryAfter = int.Parse(Assert.Single(blocked.Headers.GetValues("Retry-After")));
            Assert.InRange(retryAfter, 1, 15 * 60);
            Assert.Null(client.SessionToken);
        }

        // The stranger's guesses are no tool against the owner: from their own address they get in.
        using var owner = ChatApiClient.For(ReplicaB, ChatApiClient.NewClientAddress());
        using var login = await owner.LogInAsync(user.Email, "right password");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task A_forged_x_forwarded_for_does_not_move_a_client_to_another_address()
    {
        var address = ChatApiClient.NewClientAddress();
        for (var i = 0; i <= 20; i++)
        {
            using var client = ChatApiClient.For(ReplicaA, address);
            // Not the web front (no front key): the header is dropped, the real address counts.
            client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", ChatApiClient.NewClientAddress());
            using var response = await client.LogInAsync(ChatApiClient.NewEmail("guess"), "wrong password");
            Assert.Equal(i < 20 ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, response.StatusCode);
        }
    }

    [Fact]
    public async Task An_oversize_email_or_password_is_refused_before_it_is_counted_or_hashed()
    {
        using var client = ChatApiClient.For(ReplicaA, ChatApiClient.NewClientAddress());

        using var longEmail = await client.LogInAsync(new string('a', 60_000) + "@example.test", "whatever");
        using var longPassword = await client.LogInAsync(ChatApiClient.NewEmail(), new string('p', 60_000));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (longEmail.StatusCode, longPassword.StatusCode));
        Assert.Contains("email", (await longEmail.Content.ReadFromJsonAsync<ProblemDto>(ChatApiClient.Json))!.Errors!.Keys);
        Assert.Contains("password", (await longPassword.Content.ReadFromJsonAsync<ProblemDto>(ChatApiClient.Json))!.Errors!.Keys);
    }

    [Fact]
    public async Task Twenty_failures_from_one_address_then_429_for_any_email()
    {
        var address = ChatApiClient.NewClientAddress();
        for (var i = 0; i < 20; i++)
        {
            using var client = ChatApiClient.For(i % 2 == 0 ? ReplicaA : ReplicaB, address);
            using var failure = await client.LogInAsync(ChatApiClient.NewEmail("guess"), "wrong password");
            Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        }

        using var blockedClient = ChatApiClient.For(ReplicaB, address);
        using var blocked = await blockedClient.LogInAsync(ChatApiClient.NewEmail("guess"), "wrong password");
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);

        // Another address is not affected.
        using var otherClient = ChatApiClient.For(ReplicaB, ChatApiClient.NewClientAddress());
        using var other = await otherClient.LogInAsync(ChatApiClient.NewEmail("guess"), "wrong password");
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task A_cookie_issued_by_one_replica_is_accepted_by_the_other()
    {
        using var onA = ChatApiClient.For(ReplicaA);
        var user = await onA.NewUserAsync();
        using var onB = ChatApiClient.For(ReplicaB).WithSession(onA.SessionToken!);

        using var me = await onB.Http.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.NotEqual(me.Headers.GetValues("X-Chat-Instance").Single(),
            (await onA.Http.GetAsync("/api/auth/me")).Headers.GetValues("X-Chat-Instance").Single());
        Assert.Equal(user, await me.Content.ReadFromJsonAsync<UserDto>(ChatApiClient.Json));
    }

    [Fact]
    public async Task Logout_all_on_one_replica_ends_a_session_held_on_the_other()
    {
        using var laptop = ChatApiClient.For(ReplicaA);
        var user = await laptop.NewUserAsync(password: "right password");
        using var phone = ChatApiClient.For(ReplicaB, ChatApiClient.NewClientAddress());
        using var login = await phone.LogInAsync(user.Email, "right password");
        Assert.Equal(HttpStatusCode.OK, (await laptop.Http.GetAsync("/api/auth/me")).StatusCode);

        using var logoutAll = await phone.Http.PostAsync("/api/auth/logout-all", null);

        Assert.Equal(HttpStatusCode.NoContent, logoutAll.StatusCode);
        using var laptopMe = await laptop.Http.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, laptopMe.StatusCode);
        Assert.Equal("application/problem+json", laptopMe.Content.Headers.ContentType?.MediaType);
        Assert.Null(phone.SessionToken); // its own cookie was cleared too
        // A new log-in starts a new, valid session.
        using var again = ChatApiClient.For(ReplicaA, ChatApiClient.NewClientAddress());
        Assert.Equal(HttpStatusCode.OK, (await again.LogInAsync(user.Email, "right password")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await again.Http.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Logout_all_closes_the_users_open_hub_connections_on_every_replica()
    {
        using var laptop = ChatApiClient.For(ReplicaA);
        await laptop.NewUserAsync();
        await using var onA = await LiveClient.ConnectAsync(ReplicaA, laptop.SessionToken!);
        await using var onB = await LiveClient.ConnectAsync(ReplicaB, laptop.SessionToken!);
        using var someoneElse = ChatApiClient.For(ReplicaA);
        await someoneElse.NewUserAsync();
        await using var bystander = await LiveClient.ConnectAsync(ReplicaB, someoneElse.SessionToken!);

        using var logoutAll = await laptop.Http.PostAsync("/api/auth/logout-all", null);

        Assert.Equal(HttpStatusCode.NoContent, logoutAll.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((onA.Connection.State != Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Disconnected
                || onB.Connection.State != Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Disconnected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Equal(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Disconnected, onA.Connection.State);
        Assert.Equal(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Disconnected, onB.Connection.State);
        Assert.Equal(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected, bystander.Connection.State);
    }

    [Fact]
    public async Task Logout_clears_the_cookie()
    {
        using var client = ChatApiClient.For(ReplicaA);
        await client.NewUserAsync();

        using var logout = await client.Http.PostAsync("/api/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Null(client.SessionToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.Http.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Hostile_tokens_all_get_401_never_500()
    {
        using var owner = ChatApiClient.For(ReplicaA);
        var user = await owner.NewUserAsync();
        var valid = owner.SessionToken!;
        var key = await cluster.SigningKeyAsync();
        var stamp = TokenForge.Payload(valid)["sst"]!.ToString();

        var hostile = new Dictionary<string, string>
        {
            ["tampered payload"] = TokenForge.TamperSubject(valid, "0123456789abcdef01234567"),
            ["tampered signature"] = valid[..^4] + (valid[^4..] == "AAAA" ? "BBBB" : "AAAA"),
            ["alg none"] = TokenForge.Unsigned(user.Id, stamp),
            ["expired"] = TokenForge.Signed(key, user.Id, stamp, expires: DateTimeOffset.UtcNow.AddMinutes(-10)),
            ["wrong issuer"] = TokenForge.Signed(key, user.Id, stamp, issuer: "evil"),
            ["wrong audience"] = TokenForge.Signed(key, user.Id, stamp, audience: "evil"),
            ["wrong key"] = TokenForge.Signed(new string('k', 64), user.Id, stamp),
            ["unknown user"] = TokenForge.Signed(key, "0123456789abcdef01234567", stamp),
            ["no session id"] = TokenForge.Signed(key, user.Id, stamp, withSessionId: false),
            ["random bytes"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray()),
            ["three garbage parts"] = "a.b.c",
            ["empty"] = "",
        };

        foreach (var (name, token) in hostile)
        {
            using var client = ChatApiClient.For(ReplicaB);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
            request.Headers.Add("Cookie", $"chat_session={token}");
            using var response = await client.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        // The forge itself is right: the same recipe with nothing changed is accepted.
        using var control = ChatApiClient.For(ReplicaB).WithSession(TokenForge.Signed(key, user.Id, stamp));
        Assert.Equal(HttpStatusCode.OK, (await control.Http.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_session_get_401()
    {
        using var client = ChatApiClient.For(ReplicaA);

        foreach (var (method, path) in new[] { ("GET", "/api/auth/me"), ("GET", "/api/users"), ("PUT", "/api/users/me"), ("POST", "/api/auth/logout-all") })
        {
            using var response = await client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = method == "GET" ? null : JsonContent.Create(new { fullName = "x" }),
            });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Malformed_wrong_type_and_oversize_bodies_are_4xx_problems_not_500()
    {
        using var client = ChatApiClient.For(ReplicaA);
        var email = ChatApiClient.NewEmail();

        using var malformed = await client.Http.PostAsync("/api/auth/signup",
            new StringContent($"{{\"email\":\"{email}\",", Encoding.UTF8, "application/json"));
        using var wrongType = await client.Http.PostAsync("/api/auth/signup",
            new StringContent($"email={email}&password=correct+horse&fullName=X", Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var oversize = await client.Http.PostAsync("/api/auth/signup",
            JsonContent.Create(new { email, password = "correct horse", fullName = "X", padding = new string('x', 70 * 1024) }));
        using var nullBody = await client.Http.PostAsync("/api/auth/signup", new StringContent("null", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversize.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nullBody.StatusCode);
        Assert.All(new[] { malformed, wrongType, oversize, nullBody },
            r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        // None of them created the account.
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email)).StatusCode);
    }
}
