// The customer widget on Saleor's customer page (CUSTOMER_DETAILS_WIDGETS), framed as the
// Dashboard frames a GET widget: the whole App Bridge, its height reported with widgetResize.
import { describe, expect, test } from "vitest";

import {
  activePresetJourney,
  e2e,
  type Embedded,
  eventually,
  graphql,
  openWidget,
  saleorUserId,
  screenshot,
  seedCustomer,
  seedOrder,
  useBrowser,
} from "./harness";

useBrowser();

/** The widget's last reported height, once the frame has followed it. */
const reportedHeight = async ({ host }: Embedded): Promise<number> => {
  await host.waitForAction("widgetResize");
  return eventually(async () => {
    const resizes = await host.actions("widgetResize");
    const height = Math.ceil(Number(resizes.at(-1)!.payload.height));
    return (await host.frameHeight()) === height ? height : false;
  }, 10_000);
};

const LAST_ORDER = `
  query E2EWidgetLastOrder($saleorUserId: String!) {
    contactBySaleorUser(saleorUserId: $saleorUserId) { lifecycleStage lastOrder { number saleorId } }
  }
`;

describe("customer widget", () => {
  test("a customer the app does not know yet: a clear 'not known yet', and its height", async () => {
    const customerId = saleorUserId(700_001);
    const widget = await openWidget(customerId);

    await widget.app.getByRole("heading", { name: "Not known yet" }).waitFor();
    const height = await reportedHeight(widget);
    await screenshot(widget.page, "unknown");

    // the manifest's GET widget, with the Dashboard's parameters and the customer's id
    const src = new URL((await widget.page.locator("#app-frame").getAttribute("src"))!);
    expect(`${src.origin}${src.pathname}`).toBe(`${e2e().appOrigin}/dashboard/widgets/customer`);
    expect(src.searchParams.get("customerId")).toBe(customerId);
    expect(src.searchParams.get("saleorApiUrl")).toBe(e2e().saleorApiUrl);
    expect(height).toBeGreaterThan(0);
    // a widget never changes the Dashboard's URL, and it said who it is asking about
    expect(await widget.host.actions("updateRouting")).toEqual([]);
    expect(widget.apiCalls.map(({ status, operationName }) => ({ status, operationName }))).toContainEqual({
      status: 200,
      operationName: "CustomerWidget",
    });
    expect(widget.errors).toEqual([]);
  });

  test("a known customer: stage, spend, last order and consents; the order opens in the Dashboard", async () => {
    const customerId = saleorUserId(700_002);
    const email = "widget-known@example.com";
    await seedCustomer({ userId: customerId, email, firstName: "Wilma", lastName: "Known" });
    await seedOrder({ userId: customerId, email, orderId: "T3JkZXI6NzAwMDAy", number: "7002", total: "43.98", currency: "USD" });
    const known = await eventually(async () => {
      const { data } = await graphql<{
        contactBySaleorUser: { lifecycleStage: string; lastOrder: { number: string; saleorId: string } | null } | null;
      }>(LAST_ORDER, { saleorUserId: customerId });
      return data?.contactBySaleorUser?.lastOrder ? data.contactBySaleorUser : null;
    });
    expect(known).toEqual({ lifecycleStage: "FIRST_TIME_BUYER", lastOrder: { number: "7002", saleorId: "T3JkZXI6NzAwMDAy" } });

    const widget = await openWidget(customerId);
    const { app } = widget;
    await app.getByTestId("widget-lifecycle").getByText("First-time buyer").waitFor();
    await app.getByTestId("widget-spend").getByText("$43.98 in 1 order (average $43.98)").waitFor();
    await app.getByTestId("widget-last-order").getByRole("link", { name: "#7002" }).waitFor();
    // Saleor's customer carries marketing_consent=granted in its private metadata (the sample's)
    const consents = await Promise.all(
      ["email", "sms", "push"].map((channel) => app.getByTestId(`widget-consent-${channel}`).getAttribute("data-consent")),
    );
    expect(consents).toEqual(["GRANTED", "UNKNOWN", "UNKNOWN"]);
    const height = await reportedHeight(widget);
    await screenshot(widget.page, "known");

    await app.getByRole("link", { name: "#7002" }).click();
    const redirect = await widget.host.waitForAction("redirect");
    expect(redirect.payload).toMatchObject({ to: "/orders/T3JkZXI6NzAwMDAy", newContext: false });
    expect(await widget.host.navigations()).toEqual([{ path: "/dashboard/orders/T3JkZXI6NzAwMDAy", how: "dashboard" }]);
    expect(height).toBeGreaterThan(0);
    expect(widget.errors).toEqual([]);
  });

  test("a customer on a journey: the widget names the journey and the step they wait at", async () => {
    const customerId = saleorUserId(700_004);
    const contact = await seedCustomer({ userId: customerId, email: "widget-journey@example.com", firstName: "Jo" });
    const journey = await activePresetJourney("win-back");
    const enrolled = await graphql<{ enrolContact: { run: { id: string } | null } }>(
      "mutation E2EEnrol($contactId: ID!, $journeyId: ID!) { enrolContact(contactId: $contactId, journeyId: $journeyId) { run { id } } }",
      { contactId: contact.id, journeyId: journey.id },
    );
    const runId = enrolled.data!.enrolContact.run!.id;
    const waiting = await eventually(async () => {
      const { data } = await graphql<{ contactBySaleorUser: { activeJourneys: { id: string; node: string }[] } | null }>(
        "query E2EActive($saleorUserId: String!) { contactBySaleorUser(saleorUserId: $saleorUserId) { activeJourneys { id node } } }",
        { saleorUserId: customerId },
      );
      return data?.contactBySaleorUser?.activeJourneys.find((run) => run.id === runId);
    });

    const widget = await openWidget(customerId);
    const journeys = widget.app.getByTestId("widget-journeys");
    await journeys.getByText(`${journey.name} (at ${waiting.node}, since`).waitFor();
    await reportedHeight(widget);
    await screenshot(widget.page, "on-a-journey");
    expect(await journeys.getByRole("listitem").count()).toBe(1);
    expect(widget.errors).toEqual([]);
  });

  test("the widget follows the Dashboard's language and theme", async () => {
    const widget = await openWidget(saleorUserId(700_003), { theme: "dark" });
    await widget.app.getByRole("heading", { name: "Not known yet" }).waitFor();
    await widget.host.setLocale("de");
    await widget.app.getByRole("heading", { name: "Noch nicht bekannt" }).waitFor();
    await screenshot(widget.page, "german-dark");
    const background = await widget.app
      .getByTestId("customer-widget")
      .evaluate((root) => getComputedStyle(root.parentElement!).backgroundColor);
    expect(background).not.toBe("rgb(255, 255, 255)");
  });
});
