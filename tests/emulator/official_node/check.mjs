// Runs Trustpilot's official Node client (npm "trustpilot", unmodified) against tpnb's emulator.
// Input: one JSON object on argv[2] ({baseUrl, apiUrl, invitationsUrl, key, secret, username,
// password, domain}). Output: one JSON object on stdout with what each operation returned, or
// {"error": ...} for the operation that failed. Driven by tests/emulator/test_official_clients.py.
import { TrustpilotApi } from "trustpilot";

const cfg = JSON.parse(process.argv[2]);
const out = {};

async function step(name, fn) {
  try {
    out[name] = await fn();
  } catch (error) {
    const status = error.response ? error.response.status : null;
    out[name] = { error: String(error.message || error), status };
  }
}

const credentials = { key: cfg.key, secret: cfg.secret, username: cfg.username, password: cfg.password };
const api = new TrustpilotApi({ ...credentials, baseUrl: cfg.baseUrl });

await step("find", async () => {
  const response = await api.apiRequest.get(`/v1/business-units/find?name=${encodeURIComponent(cfg.domain)}`);
  return { status: response.status, id: response.data.id, displayName: response.data.displayName };
});
const unitId = out.find && out.find.id;

await step("unit", async () => {
  const response = await api.apiRequest.get(`/v1/business-units/${unitId}`);
  return { status: response.status, total: response.data.numberOfReviews.total };
});

await step("public_reviews", async () => {
  const ids = [];
  for (let page = 1; page < 1000; page++) {
    const response = await api.apiRequest.get(`/v1/business-units/${unitId}/reviews?perPage=100&page=${page}`);
    const reviews = response.data.reviews;
    reviews.forEach((review) => ids.push(review.id));
    const next = (response.data.links || []).some((link) => link.rel === "next-page");
    if (!next || reviews.length === 0) break;
  }
  return { ids };
});

await step("no_key", async () => {
  const bare = new TrustpilotApi({ baseUrl: cfg.baseUrl });
  try {
    await bare.apiRequest.get(`/v1/business-units/${unitId}`);
    return { status: 200 };
  } catch (error) {
    return { status: error.response.status, contentType: error.response.headers["content-type"] };
  }
});

const client = await new TrustpilotApi({ ...credentials, baseUrl: cfg.baseUrl }).authenticate();

await step("private_reviews", async () => {
  const response = await client.get(`/v1/private/business-units/${unitId}/reviews?perPage=20&orderBy=createdat.desc`);
  return { status: response.status, ids: response.data.reviews.map((r) => r.id), emails: response.data.reviews.map((r) => r.referralEmail) };
});

await step("reply", async () => {
  const reviewId = out.private_reviews.ids[0];
  const me = await client.get(`/v1/private/reviews/${reviewId}`);
  const author = cfg.businessUserId;
  const posted = await client.post(`/v1/private/reviews/${reviewId}/reply`, { message: "Thank you (official Node client)", authorBusinessUserId: author });
  const after = await client.get(`/v1/private/reviews/${reviewId}`);
  return { status: posted.status, before: me.data.companyReply ? me.data.companyReply.text : null, after: after.data.companyReply.text };
});

await step("client_credentials", async () => {
  const service = await new TrustpilotApi({ key: cfg.key, secret: cfg.secret, grantType: "client_credentials", baseUrl: cfg.baseUrl }).authenticate();
  const response = await service.get(`/v1/business-units/${unitId}`);
  return { status: response.status, id: response.data.id };
});

await step("invitation_templates", async () => {
  // the invitations API lives on its own host; the token comes from the API host
  const form = new URLSearchParams({ grant_type: "password", username: cfg.username, password: cfg.password });
  const invitations = await new TrustpilotApi({
    ...credentials,
    baseUrl: cfg.invitationsBase,
    tokenRequest: { uri: `${cfg.baseUrl}/v1/oauth/oauth-business-users-for-applications/accesstoken`, form },
  }).authenticate();
  const response = await invitations.get(`/v1/private/business-units/${unitId}/templates`);
  return { status: response.status, templates: response.data.templates.length };
});

process.stdout.write(JSON.stringify(out));
