import { PostalBatchesView } from "../postal/postal-batches-view";

/** `/postal`: the print batches of postal steps. */
export const PostalPage = () => <PostalBatchesView />;

export default PostalPage;
